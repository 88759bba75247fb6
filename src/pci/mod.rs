//! Canonical JSON, domain-separated digests and signatures shared by gossip and consensus.
