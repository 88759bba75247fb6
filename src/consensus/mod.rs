//! BFT consensus voting.
