//! Session state DAG.
