//! The FATE gate and hook chain.
