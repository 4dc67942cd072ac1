"""Reference data files (see PROVENANCE.md); a package only so that wheels ship them."""
