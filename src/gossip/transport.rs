//! A real UDP transport on tokio: one task per node that answers
//! datagrams, pings `fanout` peers every interval and runs health checks.
//! The engine stays synchronous and clock-free; this layer supplies the
//! wall clock and the sockets.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::pci::{SigningKey, SplitMix64};

use super::config::GossipConfig;
use super::engine::GossipEngine;
use super::health::Transition;
use super::message::{GossipMessage, Payload};
use super::outcome::Handled;
use super::time::UnixMicros;
use super::types::MsgType;
use super::wire::encode_json;

/// The largest datagram read.
const DATAGRAM: usize = 65_536;

/// How a node reads the wall clock (a function, so tests may skew it).
pub type Clock = fn() -> UnixMicros;

/// A running node. Dropping the handle does not stop it; call
/// [`UdpNode::stop`] (a crash: no LEAVE) or [`UdpNode::leave`].
pub struct UdpNode {
    engine: Arc<Mutex<GossipEngine>>,
    socket: Arc<UdpSocket>,
    clock: Clock,
    events: Arc<Mutex<Vec<Transition>>>,
    local: SocketAddr,
    stop: Option<oneshot::Sender<bool>>,
    task: Option<JoinHandle<()>>,
}

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot bind UDP socket on {addr}: {source}")]
pub struct BindError {
    /// The address asked for.
    pub addr: String,
    /// The socket error.
    pub source: std::io::Error,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves the engine usable: its
    // methods never leave it half-updated on a panic path.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl UdpNode {
    /// Binds `bind` (e.g. `127.0.0.1:0`) and starts node `node_id`. When
    /// `seed` names another node (id, address, hex key), the node adds it
    /// and announces itself to it. Consensus messages go to `consensus`.
    pub async fn start(
        node_id: &str,
        bind: &str,
        key: SigningKey,
        config: GossipConfig,
        seed: Option<(&str, SocketAddr, &str)>,
        clock: Clock,
        consensus: Option<mpsc::UnboundedSender<GossipMessage>>,
    ) -> Result<UdpNode, BindError> {
        let socket = UdpSocket::bind(bind).await.map_err(|source| BindError {
            addr: bind.to_owned(),
            source,
        })?;
        let local = socket.local_addr().map_err(|source| BindError {
            addr: bind.to_owned(),
            source,
        })?;
        let rng_seed = u64::from(local.port()) ^ 0x6a09_e667_f3bc_c908;
        let mut engine = GossipEngine::new(
            node_id,
            &local.to_string(),
            key,
            config,
            Box::new(SplitMix64::new(rng_seed)),
        );
        if let Some((id, addr, public_key)) = seed {
            engine.add_seed(id, &addr.to_string(), public_key, clock());
            let announce = encode_json(&engine.create_announce(clock()));
            // A lost announce is repaired by the first gossip round.
            let _ = socket.send_to(&announce, addr).await;
        }
        let engine = Arc::new(Mutex::new(engine));
        let socket = Arc::new(socket);
        let events = Arc::new(Mutex::new(Vec::new()));
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(run(
            socket.clone(),
            engine.clone(),
            events.clone(),
            stopped,
            clock,
            consensus,
        ));
        Ok(UdpNode {
            engine,
            socket,
            clock,
            events,
            local,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Runs `f` on the engine (briefly locked).
    pub fn with_engine<R>(&self, f: impl FnOnce(&GossipEngine) -> R) -> R {
        f(&lock(&self.engine))
    }

    /// A handle that sends messages as this node.
    pub fn outbox(&self) -> Outbox {
        Outbox {
            engine: self.engine.clone(),
            socket: self.socket.clone(),
            clock: self.clock,
        }
    }

    /// Health transitions seen so far, oldest first.
    pub fn transitions(&self) -> Vec<Transition> {
        lock(&self.events).clone()
    }

    /// Stops without a word, as a crash would.
    pub async fn stop(mut self) {
        self.shutdown(false).await;
    }

    /// Sends LEAVE to the ALIVE peers, then stops.
    pub async fn leave(mut self) {
        self.shutdown(true).await;
    }

    async fn shutdown(&mut self, leave: bool) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(leave);
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// Sends signed messages from a running node, e.g. the consensus messages
/// its replica produces. Cloning it is cheap.
#[derive(Clone)]
pub struct Outbox {
    engine: Arc<Mutex<GossipEngine>>,
    socket: Arc<UdpSocket>,
    clock: Clock,
}

impl Outbox {
    /// Signs a `msg_type` message with `payload` as the node (next
    /// sequence number, piggyback, the node's key) and sends it to every
    /// ALIVE peer. Returns how many datagrams went out.
    pub async fn broadcast(&self, msg_type: MsgType, payload: Payload) -> usize {
        let (bytes, targets) = {
            let mut e = lock(&self.engine);
            let msg = e.create_message(msg_type, payload, (self.clock)());
            let targets: Vec<String> = e
                .peers()
                .alive()
                .iter()
                .map(|&i| e.peers().view(i).address)
                .collect();
            (encode_json(&msg), targets)
        };
        let mut sent = 0;
        for t in targets {
            if let Ok(addr) = t.parse::<SocketAddr>()
                && self.socket.send_to(&bytes, addr).await.is_ok()
            {
                sent += 1;
            }
        }
        sent
    }
}

async fn run(
    socket: Arc<UdpSocket>,
    engine: Arc<Mutex<GossipEngine>>,
    events: Arc<Mutex<Vec<Transition>>>,
    mut stopped: oneshot::Receiver<bool>,
    clock: Clock,
    consensus: Option<mpsc::UnboundedSender<GossipMessage>>,
) {
    let interval = lock(&engine).config().interval.max(1_000) as u64;
    let mut tick = tokio::time::interval(std::time::Duration::from_micros(interval));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut buf = vec![0u8; DATAGRAM];
    loop {
        tokio::select! {
            leave = &mut stopped => {
                if leave.unwrap_or(false) {
                    let (bytes, targets) = {
                        let mut e = lock(&engine);
                        let msg = encode_json(&e.create_leave(clock()));
                        let alive: Vec<String> = e.peers().alive().iter().map(|&i| e.peers().view(i).address).collect();
                        (msg, alive)
                    };
                    for t in targets {
                        if let Ok(addr) = t.parse::<SocketAddr>() {
                            let _ = socket.send_to(&bytes, addr).await;
                        }
                    }
                }
                return;
            }
            received = socket.recv_from(&mut buf) => {
                let Ok((len, from)) = received else { continue };
                let outcome = lock(&engine).handle_message(&buf[..len], clock());
                match outcome {
                    Ok(Handled::Reply(reply)) => {
                        let _ = socket.send_to(&encode_json(&reply), from).await;
                    }
                    Ok(Handled::Consensus(msg)) => {
                        if let Some(tx) = &consensus {
                            let _ = tx.send(msg);
                        }
                    }
                    // Refused messages are dropped silently, as the
                    // reference does, to give a flooder nothing back.
                    Ok(Handled::Done) | Err(_) => {}
                }
            }
            _ = tick.tick() => {
                let (ping, targets) = {
                    let mut e = lock(&engine);
                    let now = clock();
                    let changes = e.check_peer_health(now);
                    lock(&events).extend(changes);
                    let targets = e.select_targets();
                    for t in &targets {
                        e.note_ping_sent(&t.node_id, now);
                    }
                    (encode_json(&e.create_ping(now)), targets)
                };
                for t in targets {
                    if let Ok(addr) = t.address.parse::<SocketAddr>() {
                        let _ = socket.send_to(&ping, addr).await;
                    }
                }
            }
        }
    }
}
