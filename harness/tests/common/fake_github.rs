//! A stand-in for the GitHub REST API on 127.0.0.1: records every request
//! and answers from a script, so the client is tested over real HTTP.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// Method.
    pub method: String,
    /// Path with query.
    pub path: String,
    /// Headers, names lower-cased.
    pub headers: HashMap<String, String>,
    /// Body text.
    pub body: String,
}

/// An answer: status and JSON body, or `None` to hang without answering.
pub type Answer = Option<(u16, String)>;

/// The server: its base URL and what it has received.
pub struct FakeGithub {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Requests in arrival order.
    pub requests: Arc<Mutex<Vec<Request>>>,
}

impl FakeGithub {
    /// Starts a server answering request number n (0-based) with
    /// `script(&request, n)`.
    pub fn start(script: impl Fn(&Request, usize) -> Answer + Send + Sync + 'static) -> FakeGithub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let script = Arc::new(script);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = Arc::clone(&seen);
                let script = Arc::clone(&script);
                std::thread::spawn(move || serve(stream, &seen, &*script));
            }
        });
        FakeGithub { url, requests }
    }

    /// A copy of the requests so far.
    pub fn seen(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(
    mut stream: TcpStream,
    seen: &Mutex<Vec<Request>>,
    script: &(dyn Fn(&Request, usize) -> Answer + Send + Sync),
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let path = parts.next().unwrap_or("").to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    let req = Request {
        method,
        path,
        headers,
        body: String::from_utf8(body).unwrap(),
    };
    let n = {
        let mut all = seen.lock().unwrap();
        all.push(req.clone());
        all.len() - 1
    };
    match script(&req, n) {
        Some((status, body)) => {
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
        // Hold the connection open without a word, past any client timeout.
        None => std::thread::sleep(Duration::from_secs(30)),
    }
}
