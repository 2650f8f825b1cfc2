"""One reader per external format; readers yield validated rows and never write."""
