//! SWIM-style gossip membership.
