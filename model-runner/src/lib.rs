//! Client for the `model-runner` binary: the Dafny reference model of Cedar,
//! verified and compiled to Go (see `model-runner/README.md`).
//!
//! The binary speaks newline-delimited JSON over stdin/stdout using only
//! Cedar's public JSON formats, so this crate deliberately knows nothing about
//! the `engine` crate. A [`ModelClient`] spawns the binary once, checks its
//! version, and then sends one request line per call. A call that takes
//! longer than the configured timeout, or a process that dies, yields a
//! [`ModelFault`] and the process is restarted on the next call; a fault is
//! never reported as an ordinary answer, so a harness can tell "the model is
//! broken" apart from "the model disagrees".

use serde::Serialize;
use serde_json::json;
use std::collections::BTreeSet;
use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// A JSON value in Cedar's public formats (policies, entities, requests, values).
pub type Json = serde_json::Value;

/// Where the binary is and how long one call may take.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub binary: PathBuf,
    pub timeout: Duration,
}

impl ClientConfig {
    /// `MODEL_RUNNER_BIN`, else a `model-runner` beside the running
    /// executable (how ClusterFuzzLite ships it: fuzz targets and the model in
    /// one `$OUT` folder), else `<workspace>/model-runner/build/model-runner`;
    /// and `MODEL_RUNNER_TIMEOUT_MS` (default 10000).
    pub fn from_env() -> Self {
        let binary = std::env::var_os("MODEL_RUNNER_BIN")
            .map(PathBuf::from)
            .or_else(beside_executable)
            .unwrap_or_else(default_binary);
        let timeout_ms =
            std::env::var("MODEL_RUNNER_TIMEOUT_MS").ok().and_then(|s| s.trim().parse::<u64>().ok()).unwrap_or(10_000);
        ClientConfig { binary, timeout: Duration::from_millis(timeout_ms) }
    }
}

/// `model-runner` in the running executable's folder, when there is one.
pub fn beside_executable() -> Option<PathBuf> {
    let p = std::env::current_exe().ok()?.parent()?.join("model-runner");
    p.is_file().then_some(p)
}

/// `<workspace>/model-runner/build/model-runner`, where `scripts/build-model` puts it.
pub fn default_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("build").join("model-runner")
}

/// What went wrong with the model process itself (as opposed to an answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The binary could not be started, or its version check failed.
    Spawn,
    /// The process died or closed its output.
    Crash,
    /// No reply within the configured timeout (the process was killed).
    Timeout,
    /// The reply was not the JSON the protocol promises.
    BadReply,
    /// The model caught an internal panic (`{"ok":false,"kind":"fault"}`).
    Internal,
    /// A sent request whose reply can no longer come: the process was
    /// restarted (after a fault on an earlier request) before answering it.
    /// Sending it again is safe.
    Lost,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFault {
    pub kind: FaultKind,
    pub message: String,
}

impl ModelFault {
    fn new(kind: FaultKind, message: impl Into<String>) -> Self {
        ModelFault { kind, message: message.into() }
    }
}

impl fmt::Display for ModelFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "model fault ({:?}): {}", self.kind, self.message)
    }
}

impl std::error::Error for ModelFault {}

/// A normal reply: an answer, or the model's statement that the input is
/// invalid (`{"ok":false,"kind":"input"}`, e.g. an entity cycle).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelReply<T> {
    Answer(T),
    InputRejected(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny,
}

/// One authorization answer: decision, reason policy ids, erroring policy ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthAnswer {
    pub decision: Decision,
    pub reason: BTreeSet<String>,
    pub errors: BTreeSet<String>,
}

/// The result of evaluating one expression: a Cedar JSON value (with
/// `__entity`/`__extn` escapes) or an error class such as `"typeError"`.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalAnswer {
    Value(Json),
    Error(String),
}

/// The model validator's verdict on one policy, template or template link:
/// the kinds of the errors it found (Cedar's Rust names, e.g.
/// `UnexpectedType`); none means the policy validates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVerdict {
    pub id: String,
    pub errors: BTreeSet<String>,
}

impl PolicyVerdict {
    pub fn valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Why the model finds a request or an entity not conforming to the schema:
/// an error kind (`AttributeType`, `ParentType`, `UnknownAction`, …) and,
/// for requests, a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nonconformity {
    pub kind: String,
    pub why: String,
}

/// One entity the model finds not conforming: its uid (Cedar JSON, with
/// the `__entity` escape) and the error kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityNonconformity {
    pub entity: Json,
    pub kind: String,
}

/// The running process: its stdin, and a channel fed by a reader thread
/// with its stdout lines (the channel is what gives us a timeout).
struct Process {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Result<String, String>>,
}

impl Process {
    fn spawn(cfg: &ClientConfig) -> Result<Process, ModelFault> {
        let mut child = Command::new(&cfg.binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| ModelFault::new(FaultKind::Spawn, format!("cannot start {}: {e}", cfg.binary.display())))?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                let msg = match reader.read_line(&mut line) {
                    Ok(0) => Err("the model closed its output".to_string()),
                    Ok(_) => Ok(line),
                    Err(e) => Err(format!("reading the model's output: {e}")),
                };
                let stop = msg.is_err();
                if tx.send(msg).is_err() || stop {
                    return;
                }
            }
        });
        Ok(Process { child, stdin, lines: rx })
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A connection to one model process (restarted transparently after a fault).
pub struct ModelClient {
    cfg: ClientConfig,
    process: Option<Process>,
    version: String,
    /// Counts processes started, so that a ticket of an earlier process is recognised.
    generation: u64,
    /// Lines sent to / replies received from the current process.
    sent: u64,
    received: u64,
}

/// Which line a reply belongs to: replies come back in the order lines were sent.
#[derive(Debug, Clone, Copy)]
struct Ticket {
    generation: u64,
    seq: u64,
}

impl ModelClient {
    /// Starts the binary and checks that it answers `version`.
    pub fn spawn(cfg: ClientConfig) -> Result<ModelClient, ModelFault> {
        let mut client =
            ModelClient { cfg, process: None, version: String::new(), generation: 0, sent: 0, received: 0 };
        client.version = client.version()?;
        Ok(client)
    }

    /// The version string the binary reports.
    pub fn version(&mut self) -> Result<String, ModelFault> {
        let reply = self.request(&json!({"op": "version"}))?;
        match reply.get("version").and_then(Json::as_str) {
            Some(v) if reply.get("ok") == Some(&Json::Bool(true)) => Ok(v.to_string()),
            _ => Err(ModelFault::new(FaultKind::BadReply, format!("bad version reply: {reply}"))),
        }
    }

    /// The version seen when the process was (last) started.
    pub fn cached_version(&self) -> &str {
        &self.version
    }

    /// Authorizes each request against one policy set and entity store.
    pub fn authorize(
        &mut self,
        policies: &Json,
        entities: &Json,
        requests: &[Json],
    ) -> Result<ModelReply<Vec<AuthAnswer>>, ModelFault> {
        let pending = self.send_authorize(policies, entities, requests)?;
        self.finish_authorize(pending)
    }

    /// The first half of [`ModelClient::authorize`]: sends the request and
    /// returns at once, so the caller can work while the model computes.
    /// Finish it with [`ModelClient::finish_authorize`]; other requests may be
    /// sent meanwhile (replies are matched to requests in order).
    pub fn send_authorize(
        &mut self,
        policies: &Json,
        entities: &Json,
        requests: &[Json],
    ) -> Result<PendingAuthorize, ModelFault> {
        let line = authorize_line(policies, entities, requests);
        let ticket = self.send(&line)?;
        Ok(PendingAuthorize { ticket, requests: requests.len() })
    }

    /// Waits (up to the timeout) for the answers to a sent authorization.
    pub fn finish_authorize(&mut self, pending: PendingAuthorize) -> Result<ModelReply<Vec<AuthAnswer>>, ModelFault> {
        let reply = self.receive(pending.ticket)?;
        if let Some(msg) = input_rejection(&reply)? {
            return Ok(ModelReply::InputRejected(msg));
        }
        let answers =
            reply.get("answers").and_then(Json::as_array).ok_or_else(|| bad_reply("missing \"answers\"", &reply))?;
        if answers.len() != pending.requests {
            return Err(bad_reply("wrong number of answers", &reply));
        }
        let parsed = answers.iter().map(parse_answer).collect::<Option<Vec<_>>>();
        parsed.map(ModelReply::Answer).ok_or_else(|| bad_reply("malformed answer", &reply))
    }

    /// Evaluates one expression (EST JSON) against entities and a request.
    pub fn evaluate(
        &mut self,
        expr: &Json,
        entities: &Json,
        request: &Json,
    ) -> Result<ModelReply<EvalAnswer>, ModelFault> {
        let pending = self.send_evaluate(expr, entities, request)?;
        self.finish_evaluate(pending)
    }

    /// The first half of [`ModelClient::evaluate`] (see [`ModelClient::send_authorize`]).
    pub fn send_evaluate(
        &mut self,
        expr: &Json,
        entities: &Json,
        request: &Json,
    ) -> Result<PendingEvaluate, ModelFault> {
        let line = evaluate_line(expr, entities, request);
        Ok(PendingEvaluate { ticket: self.send(&line)? })
    }

    /// Waits (up to the timeout) for the value or error of a sent evaluation.
    pub fn finish_evaluate(&mut self, pending: PendingEvaluate) -> Result<ModelReply<EvalAnswer>, ModelFault> {
        let reply = self.receive(pending.ticket)?;
        if let Some(msg) = input_rejection(&reply)? {
            return Ok(ModelReply::InputRejected(msg));
        }
        if let Some(v) = reply.get("value") {
            Ok(ModelReply::Answer(EvalAnswer::Value(v.clone())))
        } else if let Some(e) = reply.get("error").and_then(Json::as_str) {
            Ok(ModelReply::Answer(EvalAnswer::Error(e.to_string())))
        } else {
            Err(bad_reply("neither \"value\" nor \"error\"", &reply))
        }
    }

    /// Validates a policy set (Cedar's policy-set JSON) against a schema
    /// (Cedar's JSON schema format): one verdict per static policy, template
    /// and template link, in that order.
    pub fn validate(&mut self, schema: &Json, policies: &Json) -> Result<ModelReply<Vec<PolicyVerdict>>, ModelFault> {
        let pending = self.send_validate(schema, policies)?;
        self.finish_validate(pending)
    }

    /// The first half of [`ModelClient::validate`] (see [`ModelClient::send_authorize`]).
    pub fn send_validate(&mut self, schema: &Json, policies: &Json) -> Result<PendingValidate, ModelFault> {
        let line = validate_line(schema, policies);
        Ok(PendingValidate { ticket: self.send(&line)? })
    }

    /// Waits (up to the timeout) for the verdicts of a sent validation.
    pub fn finish_validate(&mut self, pending: PendingValidate) -> Result<ModelReply<Vec<PolicyVerdict>>, ModelFault> {
        let reply = self.receive(pending.ticket)?;
        if let Some(msg) = input_rejection(&reply)? {
            return Ok(ModelReply::InputRejected(msg));
        }
        let items =
            reply.get("policies").and_then(Json::as_array).ok_or_else(|| bad_reply("missing \"policies\"", &reply))?;
        let parsed = items.iter().map(parse_verdict).collect::<Option<Vec<_>>>();
        parsed.map(ModelReply::Answer).ok_or_else(|| bad_reply("malformed verdict", &reply))
    }

    /// Request validation: for each request (Cedar's request JSON, explicit
    /// escapes), `Ok(())` if it conforms to the schema, else why not.
    pub fn validate_requests(
        &mut self,
        schema: &Json,
        requests: &[Json],
    ) -> Result<ModelReply<Vec<Result<(), Nonconformity>>>, ModelFault> {
        let line = validate_requests_line(schema, requests);
        let ticket = self.send(&line)?;
        let reply = self.receive(ticket)?;
        if let Some(msg) = input_rejection(&reply)? {
            return Ok(ModelReply::InputRejected(msg));
        }
        let items =
            reply.get("requests").and_then(Json::as_array).ok_or_else(|| bad_reply("missing \"requests\"", &reply))?;
        if items.len() != requests.len() {
            return Err(bad_reply("wrong number of request verdicts", &reply));
        }
        let parsed = items
            .iter()
            .map(|v| match v.get("valid")?.as_bool()? {
                true => Some(Ok(())),
                false => Some(Err(Nonconformity {
                    kind: v.get("kind")?.as_str()?.to_string(),
                    why: v.get("error")?.as_str()?.to_string(),
                })),
            })
            .collect::<Option<Vec<_>>>();
        parsed.map(ModelReply::Answer).ok_or_else(|| bad_reply("malformed request verdict", &reply))
    }

    /// Entity validation: every entity of the store (Cedar's entities JSON,
    /// explicit escapes) that does not conform to the schema, with the kind
    /// of its first error; empty if the store conforms. Entities the model's
    /// loader refuses (a cycle, an action with a non-action parent) come back
    /// as `InputRejected`.
    pub fn validate_entities(
        &mut self,
        schema: &Json,
        entities: &Json,
    ) -> Result<ModelReply<Vec<EntityNonconformity>>, ModelFault> {
        let line = validate_entities_line(schema, entities);
        let ticket = self.send(&line)?;
        let reply = self.receive(ticket)?;
        if let Some(msg) = input_rejection(&reply)? {
            return Ok(ModelReply::InputRejected(msg));
        }
        let items =
            reply.get("errors").and_then(Json::as_array).ok_or_else(|| bad_reply("missing \"errors\"", &reply))?;
        let parsed = items
            .iter()
            .map(|v| {
                Some(EntityNonconformity {
                    entity: v.get("entity")?.clone(),
                    kind: v.get("kind")?.as_str()?.to_string(),
                })
            })
            .collect::<Option<Vec<_>>>();
        parsed.map(ModelReply::Answer).ok_or_else(|| bad_reply("malformed entity verdict", &reply))
    }

    /// Sends one raw protocol request and returns the parsed reply line.
    /// `{"ok":false,"kind":"fault"}` comes back as a fault, not a reply.
    pub fn request(&mut self, request: &Json) -> Result<Json, ModelFault> {
        let ticket = self.send(request.to_string().as_bytes())?;
        self.receive(ticket)
    }

    /// Waits for the reply to the line `ticket` stands for and parses it.
    fn receive(&mut self, ticket: Ticket) -> Result<Json, ModelFault> {
        let line = self.receive_line(ticket)?;
        let reply: Json = serde_json::from_str(&line).map_err(|e| {
            ModelFault::new(FaultKind::BadReply, format!("unparsable reply ({e}): {}", line.trim_end()))
        })?;
        if !reply.is_object() || reply.get("ok").and_then(Json::as_bool).is_none() {
            return Err(bad_reply("no boolean \"ok\"", &reply));
        }
        if reply.get("kind").and_then(Json::as_str) == Some("fault") {
            let msg = reply.get("error").and_then(Json::as_str).unwrap_or("(no message)");
            return Err(ModelFault::new(FaultKind::Internal, msg));
        }
        Ok(reply)
    }

    /// Sends one raw request line (without the newline) and returns the raw
    /// reply line, for requests that cannot be built as a [`Json`] value.
    pub fn raw_line(&mut self, line: &str) -> Result<String, ModelFault> {
        let ticket = self.send(line.as_bytes())?;
        self.receive_line(ticket).map(|l| l.trim_end().to_string())
    }

    /// The process id of the running model process, if one is running.
    pub fn process_id(&self) -> Option<u32> {
        self.process.as_ref().map(|p| p.child.id())
    }

    /// Writes one line (starting the process first if needed). Several
    /// lines may be in flight; each reply is claimed with its ticket. Any
    /// failure kills the process so that the next call starts afresh.
    fn send(&mut self, line: &[u8]) -> Result<Ticket, ModelFault> {
        if self.process.is_none() {
            self.process = Some(Process::spawn(&self.cfg)?);
            self.generation += 1;
            self.sent = 0;
            self.received = 0;
        }
        let proc = self.process.as_mut().expect("just spawned");
        let sent =
            proc.stdin.write_all(line).and_then(|_| proc.stdin.write_all(b"\n")).and_then(|_| proc.stdin.flush());
        if let Err(e) = sent {
            return Err(self.fail(ModelFault::new(FaultKind::Crash, format!("writing to the model: {e}"))));
        }
        self.sent += 1;
        Ok(Ticket { generation: self.generation, seq: self.sent - 1 })
    }

    /// Waits up to the timeout for the reply to `ticket`'s line. Replies to
    /// earlier lines nobody claimed (an abandoned pending request) are read
    /// and dropped first. (The timeout runs from this call: time the caller
    /// spent between sending and receiving is extra time the model had.)
    fn receive_line(&mut self, ticket: Ticket) -> Result<String, ModelFault> {
        if self.process.is_none() || ticket.generation != self.generation {
            return Err(ModelFault::new(FaultKind::Lost, "the model was restarted after this request was sent"));
        }
        if ticket.seq < self.received {
            return Err(ModelFault::new(FaultKind::Lost, "this request's reply was already received"));
        }
        loop {
            let timeout = self.cfg.timeout;
            let proc = self.process.as_mut().expect("checked above");
            let line = match proc.lines.recv_timeout(timeout) {
                Ok(Ok(reply)) => reply,
                Ok(Err(msg)) => return Err(self.fail(ModelFault::new(FaultKind::Crash, msg))),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(self.fail(ModelFault::new(
                        FaultKind::Timeout,
                        format!("no reply within {} ms", timeout.as_millis()),
                    )))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.fail(ModelFault::new(FaultKind::Crash, "the model's output reader stopped")))
                }
            };
            self.received += 1;
            if self.received > ticket.seq {
                return Ok(line);
            }
        }
    }

    /// Kills the process after a fault (the next call restarts it).
    fn fail(&mut self, fault: ModelFault) -> ModelFault {
        if let Some(mut p) = self.process.take() {
            p.kill();
        }
        fault
    }
}

/// An authorization sent with [`ModelClient::send_authorize`], not yet received.
#[must_use = "finish it with ModelClient::finish_authorize"]
pub struct PendingAuthorize {
    ticket: Ticket,
    requests: usize,
}

/// An evaluation sent with [`ModelClient::send_evaluate`], not yet received.
#[must_use = "finish it with ModelClient::finish_evaluate"]
pub struct PendingEvaluate {
    ticket: Ticket,
}

/// A validation sent with [`ModelClient::send_validate`], not yet received.
#[must_use = "finish it with ModelClient::finish_validate"]
pub struct PendingValidate {
    ticket: Ticket,
}

// Request lines, serialized straight from borrowed values (`json!` would
// deep-copy entities and policies first).
#[derive(Serialize)]
struct AuthorizeLine<'a> {
    op: &'static str,
    policies: &'a Json,
    entities: &'a Json,
    requests: &'a [Json],
}

#[derive(Serialize)]
struct EvaluateLine<'a> {
    op: &'static str,
    expr: &'a Json,
    entities: &'a Json,
    request: &'a Json,
}

#[derive(Serialize)]
struct ValidateLine<'a> {
    op: &'static str,
    schema: &'a Json,
    policies: &'a Json,
}

#[derive(Serialize)]
struct ValidateRequestsLine<'a> {
    op: &'static str,
    schema: &'a Json,
    requests: &'a [Json],
}

#[derive(Serialize)]
struct ValidateEntitiesLine<'a> {
    op: &'static str,
    schema: &'a Json,
    entities: &'a Json,
}

fn protocol_line(line: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(line).expect("JSON values always serialize")
}

/// The request line (without its newline) that [`ModelClient::send_authorize`] sends.
pub fn authorize_line(policies: &Json, entities: &Json, requests: &[Json]) -> Vec<u8> {
    protocol_line(&AuthorizeLine { op: "authorize", policies, entities, requests })
}

/// The request line that [`ModelClient::send_evaluate`] sends.
pub fn evaluate_line(expr: &Json, entities: &Json, request: &Json) -> Vec<u8> {
    protocol_line(&EvaluateLine { op: "evaluate", expr, entities, request })
}

/// The request line that [`ModelClient::send_validate`] sends.
pub fn validate_line(schema: &Json, policies: &Json) -> Vec<u8> {
    protocol_line(&ValidateLine { op: "validate", schema, policies })
}

/// The request line that [`ModelClient::validate_entities`] sends.
pub fn validate_entities_line(schema: &Json, entities: &Json) -> Vec<u8> {
    protocol_line(&ValidateEntitiesLine { op: "validateEntities", schema, entities })
}

/// The request line that [`ModelClient::validate_requests`] sends.
pub fn validate_requests_line(schema: &Json, requests: &[Json]) -> Vec<u8> {
    protocol_line(&ValidateRequestsLine { op: "validateRequests", schema, requests })
}

impl Drop for ModelClient {
    fn drop(&mut self) {
        if let Some(mut p) = self.process.take() {
            drop(p.stdin);
            let _ = p.child.kill();
            let _ = p.child.wait();
        }
    }
}

fn bad_reply(what: &str, reply: &Json) -> ModelFault {
    ModelFault::new(FaultKind::BadReply, format!("{what}: {reply}"))
}

/// `Some(message)` for `{"ok":false,"kind":"input"}`; a fault for any other
/// `ok:false` shape.
fn input_rejection(reply: &Json) -> Result<Option<String>, ModelFault> {
    if reply.get("ok") == Some(&Json::Bool(true)) {
        return Ok(None);
    }
    match (reply.get("kind").and_then(Json::as_str), reply.get("error").and_then(Json::as_str)) {
        (Some("input"), Some(msg)) => Ok(Some(msg.to_string())),
        _ => Err(bad_reply("unexpected error reply", reply)),
    }
}

fn parse_answer(a: &Json) -> Option<AuthAnswer> {
    let decision = match a.get("decision")?.as_str()? {
        "allow" => Decision::Allow,
        "deny" => Decision::Deny,
        _ => return None,
    };
    let ids = |k: &str| -> Option<BTreeSet<String>> {
        a.get(k)?.as_array()?.iter().map(|v| v.as_str().map(str::to_string)).collect()
    };
    Some(AuthAnswer { decision, reason: ids("reason")?, errors: ids("errors")? })
}

fn parse_verdict(v: &Json) -> Option<PolicyVerdict> {
    let id = v.get("id")?.as_str()?.to_string();
    let errors = v.get("errors")?.as_array()?.iter().map(|k| k.as_str().map(str::to_string)).collect::<Option<_>>()?;
    Some(PolicyVerdict { id, errors })
}
