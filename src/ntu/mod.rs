//! The NeuroTemporal Unit.
