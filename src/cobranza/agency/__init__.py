"""External collection: hand-offs to agencies, their files, recalls, and credit blocks."""
