"""The benchmark of the portal's key pages against the smallest honest Django page (`make bench`)."""
