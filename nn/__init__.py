"""nn: neurons, layers and MLPs built on the autograd engine (coming with the nn issue)."""
