//! Signal-to-noise ratio v2.
