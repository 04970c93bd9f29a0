//! The turn-aware routing graph: the node-based road graph with only the junctions whose turns
//! depend on the way in split into copies.
//!
//! Inputs: the road graph's directed arcs (each with its cost, its end delay and whether it is
//! access-only), the extract's turn restrictions, and its barrier nodes. Output: routing nodes
//! (each a copy of one road node) and routing edges (each one arc driven after one turn), on
//! which the contraction hierarchy and the Dijkstra oracle both run, so they agree exactly.
//!
//! A junction is split, one copy per arc in, when it is the via node (or the first node of the
//! via ways) of a restriction, a barrier that stops cars, the border of access-only roads, or a
//! node on the roads out of a restricted junction up to the next junction (so that a path cannot
//! slip round a restriction by turning round on an unpriced node just past it). A copy keeps
//! only the turns allowed from its way in. Via-way restrictions duplicate their via path: the
//! states are those of an Aho-Corasick automaton over the restrictions' arc sequences (from arc,
//! via arcs), so overlapping restrictions compose exactly. Every other node stays one node.
//!
//! Costs (each turn's cost is added to the routing edge that leaves the junction):
//! - a U-turn costs [`U_TURN_S`] (OSRM's car profile's `u_turn_penalty`) at a split junction
//!   and at a dead end; elsewhere a node-based graph cannot tell a U-turn apart, and a shortest
//!   path only ever turns round there to reach a restricted junction the other way, after
//!   driving past the next junction and back;
//! - turning from a public road onto an access-only one counts one entry
//!   ([`PathCost::ACCESS_ONLY_ENTRY`]), compared before time: through routes avoid access-only
//!   roads whenever another way exists, while trips that start or end on one use it freely.
//!   OSRM's car profile does the same in its "routability" weight (the turn onto a restricted
//!   way from an unrestricted one gets its maximal turn weight); durations are not changed;
//! - the end of an arc carries a delay: [`SIGNALS_S`] into traffic signals (OSRM's car profile's
//!   `traffic_light_penalty`), [`crate::osm::profile::GATE_DELAY_S`] into a gate, and
//!   [`GIVE_WAY_S`] where a minor road meets a major one (tertiary or lower meeting trunk,
//!   primary or secondary), for the stop at the give-way line: of the order of OSRM's 7.5 s
//!   turn penalty and Valhalla's 5 s maneuver penalty;
//! - turning from a road onto a ferry costs [`FERRY_BOARDING_S`], once per boarding: the wait
//!   at the terminal and the loading. Valhalla's auto costing adds its `ferry_cost` (300 s by
//!   default) on the same transition, from a non-ferry edge onto a ferry edge; OSRM's car
//!   profile has no such allowance (it times the crossing alone). Staying aboard through the
//!   nodes of a ferry way, or changing from one ferry to another at a terminal without driving
//!   ashore, is not charged again.

use std::collections::HashMap;

use crate::ids::OsmNodeId;
use crate::osm::profile::{NodeKind, RoadClass};
use crate::osm::restrictions::{Restriction, RestrictionCounts, TurnRule, Via};
use crate::osm::OsmExtract;
use crate::roads::cost::PathCost;
use crate::units::{Decimeters, Millis};

/// A U-turn, seconds (OSRM's car profile's `u_turn_penalty`).
pub const U_TURN_S: f64 = 20.0;
/// Passing traffic signals, seconds (OSRM's car profile's `traffic_light_penalty`).
pub const SIGNALS_S: f64 = 2.0;
/// Giving way from a minor road at a major road, seconds (see the module docs).
pub const GIVE_WAY_S: f64 = 5.0;
/// Boarding a ferry from a road, seconds: the wait at the terminal and the loading, once per
/// boarding (Valhalla's auto costing's default `ferry_cost`; see the module docs).
pub const FERRY_BOARDING_S: f64 = 300.0;

/// Nodes walked from a restricted junction along a road when splitting it up to the next
/// junction; longer chains stop there.
const CHAIN_LIMIT: usize = 32;

/// A time-only cost of `s` seconds.
pub(crate) fn delay(s: f64) -> PathCost {
    PathCost::new(Millis((s * 1000.0).round() as u32), Decimeters(0))
}

/// The road graph's arcs, as the expansion reads them. Arcs are sorted by (tail, head).
pub(crate) struct BaseArcs<'a> {
    pub(crate) first_out: &'a [u32],
    pub(crate) head: &'a [u32],
    pub(crate) cost: &'a [PathCost],
    pub(crate) end_cost: &'a [PathCost],
    pub(crate) access_only: &'a [bool],
    /// Per arc: its road class ([`RoadClass`] as a byte).
    pub(crate) class: &'a [u8],
}

impl BaseArcs<'_> {
    fn node_count(&self) -> usize {
        self.first_out.len() - 1
    }

    fn is_ferry(&self, e: u32) -> bool {
        self.class[e as usize] == RoadClass::Ferry as u8
    }

    fn out(&self, v: u32) -> std::ops::Range<u32> {
        self.first_out[v as usize]..self.first_out[v as usize + 1]
    }

    /// The arc `a → b`, if any.
    pub(crate) fn find(&self, a: u32, b: u32) -> Option<u32> {
        let r = self.out(a);
        let start = r.start;
        self.head[r.start as usize..r.end as usize]
            .binary_search(&b)
            .ok()
            .map(|i| start + i as u32)
    }
}

/// One restriction in arc terms: after driving `arcs` in turn, `to` is forbidden (`No`) or the
/// only way on (`Only`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sequence {
    pub(crate) arcs: Vec<u32>,
    pub(crate) rule: TurnRule,
    pub(crate) to: Vec<u32>,
}

/// Resolves the extract's restrictions onto the arcs (`dense` maps an OSM node id to its road
/// node), counting those applied and those left out into `counts`.
pub(crate) fn resolve(
    extract: &OsmExtract,
    dense: impl Fn(OsmNodeId) -> Option<u32>,
    arcs: &BaseArcs<'_>,
    counts: &mut RestrictionCounts,
) -> Vec<Sequence> {
    let way_nodes = |id| -> Option<Vec<Option<u32>>> {
        let i = extract.roads.binary_search_by_key(&id, |w| w.id).ok()?;
        Some(extract.roads[i].nodes.iter().map(|&n| dense(n)).collect())
    };
    let mut out = Vec::new();
    'restrictions: for r in &extract.restrictions {
        let mut ways = Vec::new();
        let via_ways = match &r.via {
            Via::Node(_) => &[][..],
            Via::Ways(w) => &w[..],
        };
        for id in r.from.iter().chain(via_ways).chain(&r.to) {
            match way_nodes(*id) {
                Some(nodes) => ways.push(nodes),
                None => {
                    counts.way_not_drivable += 1;
                    continue 'restrictions;
                }
            }
        }
        let (from, rest) = ways.split_at(r.from.len());
        let (via, to) = rest.split_at(via_ways.len());
        match resolve_one(r, from, via, to, &dense, arcs) {
            Some(mut seqs) => {
                counts.applied += 1;
                out.append(&mut seqs);
            }
            None => counts.via_not_shared += 1,
        }
    }
    out
}

/// The arcs along `way` that end at `x` (`into`) or start at it, each with its other end,
/// whichever way the way is drawn (a one-way way gives only its own direction).
fn arcs_at(way: &[Option<u32>], x: u32, into: bool, arcs: &BaseArcs<'_>) -> Vec<(u32, u32)> {
    way.windows(2)
        .filter_map(|w| Some((w[0]?, w[1]?)))
        .filter_map(|(p, q)| {
            let other = match (p == x, q == x) {
                (true, false) => q,
                (false, true) => p,
                _ => return None,
            };
            let arc = if into { arcs.find(other, x) } else { arcs.find(x, other) };
            Some((arc?, other))
        })
        .collect()
}

/// A node the two ways share, ends first.
fn shared(a: &[Option<u32>], b: &[Option<u32>]) -> Option<u32> {
    let ends = |w: &[Option<u32>]| [w.first().copied().flatten(), w.last().copied().flatten()];
    let in_b = |n: &u32| b.contains(&Some(*n));
    ends(a)
        .into_iter()
        .flatten()
        .find(in_b)
        .or_else(|| ends(b).into_iter().flatten().find(|n| a.contains(&Some(*n))))
        .or_else(|| a.iter().flatten().copied().find(in_b))
}

/// The arcs along `way` from `p` to `q`, or `None` when a car cannot drive it that way.
fn along(way: &[Option<u32>], p: u32, q: u32, arcs: &BaseArcs<'_>) -> Option<Vec<u32>> {
    let ip = way.iter().position(|&n| n == Some(p))?;
    let iq = way.iter().position(|&n| n == Some(q))?;
    let nodes: Vec<Option<u32>> = if ip <= iq {
        way[ip..=iq].to_vec()
    } else {
        way[iq..=ip].iter().rev().copied().collect()
    };
    nodes.windows(2).map(|w| arcs.find(w[0]?, w[1]?)).collect()
}

fn resolve_one(
    r: &Restriction,
    from: &[Vec<Option<u32>>],
    via: &[Vec<Option<u32>>],
    to: &[Vec<Option<u32>>],
    dense: &impl Fn(OsmNodeId) -> Option<u32>,
    arcs: &BaseArcs<'_>,
) -> Option<Vec<Sequence>> {
    // The via path: its first node, its arcs, its last node.
    let (start, path, end) = match &r.via {
        Via::Node(n) => {
            let x = dense(*n)?;
            (x, Vec::new(), x)
        }
        Via::Ways(_) => {
            let start = shared(&from[0], &via[0])?;
            let mut at = start;
            let mut path = Vec::new();
            for (i, w) in via.iter().enumerate() {
                let next = match via.get(i + 1) {
                    Some(n) => shared(w, n)?,
                    None => shared(w, &to[0])?,
                };
                path.extend(along(w, at, next, arcs)?);
                at = next;
            }
            (start, path, at)
        }
    };
    let to_arcs: Vec<(u32, u32)> = to.iter().flat_map(|w| arcs_at(w, end, false, arcs)).collect();
    let from_arcs: Vec<(u32, u32)> = from.iter().flat_map(|w| arcs_at(w, start, true, arcs)).collect();
    // A way that is both `from` and `to` through a via node inside it (a `no_u_turn` on an
    // unsplit way) means turning back along it, never driving on along it.
    let same_way = matches!(r.via, Via::Node(_)) && r.from == r.to;
    let seqs: Vec<Sequence> = from_arcs
        .into_iter()
        .map(|(f, came_from)| Sequence {
            arcs: std::iter::once(f).chain(path.iter().copied()).collect(),
            rule: r.rule,
            to: to_arcs
                .iter()
                .filter(|&&(_, goes_to)| !same_way || goes_to == came_from)
                .map(|&(t, _)| t)
                .collect(),
        })
        .filter(|q| !q.to.is_empty())
        .collect();
    (!seqs.is_empty()).then_some(seqs)
}

/// The routing graph before its largest strongly connected component is taken.
pub(crate) struct Expanded {
    /// Routing node → road node.
    pub(crate) base_of: Vec<u32>,
    /// (tail, head, cost, arc, turn cost), grouped by tail.
    pub(crate) edges: Vec<(u32, u32, PathCost, u32, PathCost)>,
    /// Per arc: the routing node a car that drives it arrives in, when it came onto it from
    /// outside every restriction (or started on it).
    pub(crate) enter: Vec<u32>,
    /// Junctions split.
    pub(crate) split_nodes: usize,
}

/// An Aho-Corasick automaton over the sequences' arcs.
struct Automaton {
    /// (state, arc) → state.
    child: HashMap<(u32, u32), u32>,
    fail: Vec<u32>,
    depth: Vec<u32>,
    /// Own rules per state: indices into the sequences.
    rules: Vec<Vec<usize>>,
}

const ROOT: u32 = 0;

impl Automaton {
    fn new(sequences: &[Sequence]) -> Self {
        let mut a = Automaton {
            child: HashMap::new(),
            fail: vec![ROOT],
            depth: vec![0],
            rules: vec![Vec::new()],
        };
        let mut order = Vec::new();
        for (i, s) in sequences.iter().enumerate() {
            let mut t = ROOT;
            for &arc in &s.arcs {
                t = match a.child.get(&(t, arc)) {
                    Some(&c) => c,
                    None => {
                        let c = a.fail.len() as u32;
                        a.child.insert((t, arc), c);
                        a.fail.push(ROOT);
                        a.depth.push(a.depth[t as usize] + 1);
                        a.rules.push(Vec::new());
                        order.push((t, arc, c));
                        c
                    }
                };
            }
            a.rules[t as usize].push(i);
        }
        // Failure links in order of depth.
        order.sort_by_key(|&(_, _, c)| a.depth[c as usize]);
        for (parent, arc, c) in order {
            a.fail[c as usize] = if parent == ROOT {
                ROOT
            } else {
                a.goto(a.fail[parent as usize], arc)
            };
        }
        a
    }

    fn goto(&self, mut s: u32, arc: u32) -> u32 {
        loop {
            if let Some(&c) = self.child.get(&(s, arc)) {
                return c;
            }
            if s == ROOT {
                return ROOT;
            }
            s = self.fail[s as usize];
        }
    }

    /// Whether `arc` may be taken in state `s`: no rule along its failure chain forbids it.
    fn allows(&self, mut s: u32, arc: u32, sequences: &[Sequence]) -> bool {
        while s != ROOT {
            for &i in &self.rules[s as usize] {
                let q = &sequences[i];
                let listed = q.to.contains(&arc);
                match q.rule {
                    TurnRule::No if listed => return false,
                    TurnRule::Only if !listed => return false,
                    _ => {}
                }
            }
            s = self.fail[s as usize];
        }
        true
    }
}

/// What the expansion needs to know about each road node.
pub(crate) struct NodeFacts {
    pub(crate) kind: Vec<Option<NodeKind>>,
}

/// Builds the routing graph (see the module docs).
pub(crate) fn expand(arcs: &BaseArcs<'_>, facts: &NodeFacts, sequences: &[Sequence]) -> Expanded {
    let n = arcs.node_count();
    let m = arcs.head.len();
    let mut tail = vec![0u32; m];
    for v in 0..n as u32 {
        for e in arcs.out(v) {
            tail[e as usize] = v;
        }
    }
    let mut in_arcs: Vec<Vec<u32>> = vec![Vec::new(); n];
    for e in 0..m as u32 {
        in_arcs[arcs.head[e as usize] as usize].push(e);
    }
    let neighbours = |v: u32| -> Vec<u32> {
        let mut ns: Vec<u32> = arcs
            .out(v)
            .map(|e| arcs.head[e as usize])
            .chain(in_arcs[v as usize].iter().map(|&e| tail[e as usize]))
            .collect();
        ns.sort_unstable();
        ns.dedup();
        ns
    };

    let degree: Vec<u32> = (0..n as u32).map(|v| neighbours(v).len() as u32).collect();
    let mut split = vec![false; n];
    for v in 0..n {
        let blocked = facts.kind[v] == Some(NodeKind::Block);
        let (mut access_only, mut public, mut ferry, mut road) = (false, false, false, false);
        for e in arcs.out(v as u32).chain(in_arcs[v].iter().copied()) {
            if arcs.access_only[e as usize] {
                access_only = true;
            } else {
                public = true;
            }
            if arcs.is_ferry(e) {
                ferry = true;
            } else {
                road = true;
            }
        }
        split[v] = blocked || (access_only && public) || (ferry && road);
    }
    let mut walked = vec![false; n];
    for s in sequences {
        let x = arcs.head[s.arcs[0] as usize];
        if std::mem::replace(&mut walked[x as usize], true) {
            continue;
        }
        split[x as usize] = true;
        // The roads out of the junction, up to the next junction.
        for first in neighbours(x) {
            let (mut prev, mut at) = (x, first);
            for _ in 0..CHAIN_LIMIT {
                split[at as usize] = true;
                if degree[at as usize] != 2 {
                    break;
                }
                let ns = neighbours(at);
                let next = if ns[0] == prev { ns[1] } else { ns[0] };
                (prev, at) = (at, next);
            }
        }
    }

    let automaton = Automaton::new(sequences);
    // Routing nodes: (road node, state, arc in).
    let mut nodes: Vec<(u32, u32, Option<u32>)> = Vec::new();
    let mut enter = vec![u32::MAX; m];
    for v in 0..n as u32 {
        if split[v as usize] {
            for &e in &in_arcs[v as usize] {
                enter[e as usize] = nodes.len() as u32;
                nodes.push((v, automaton.goto(ROOT, e), Some(e)));
            }
        } else {
            let id = nodes.len() as u32;
            nodes.push((v, ROOT, None));
            for &e in &in_arcs[v as usize] {
                enter[e as usize] = id;
            }
        }
    }
    let mut deep = vec![u32::MAX; automaton.fail.len()];
    let mut last_arc = vec![u32::MAX; automaton.fail.len()];
    for (&(_, arc), &c) in &automaton.child {
        last_arc[c as usize] = arc;
    }
    let mut deep_states: Vec<u32> = (0..automaton.fail.len() as u32)
        .filter(|&s| automaton.depth[s as usize] >= 2)
        .collect();
    deep_states.sort_unstable();
    for s in deep_states {
        let arc = last_arc[s as usize];
        deep[s as usize] = nodes.len() as u32;
        nodes.push((arcs.head[arc as usize], s, Some(arc)));
    }
    let node_of = |s: u32, arc: u32| -> u32 {
        if automaton.depth[s as usize] >= 2 {
            deep[s as usize]
        } else {
            enter[arc as usize]
        }
    };

    let u_turn = delay(U_TURN_S);
    let boarding = delay(FERRY_BOARDING_S);
    let mut edges = Vec::new();
    for (r, &(v, s, arc_in)) in nodes.iter().enumerate() {
        let blocked = facts.kind[v as usize] == Some(NodeKind::Block);
        let dead_end = arc_in.is_none() && degree[v as usize] == 1;
        for b in arcs.out(v) {
            let w = arcs.head[b as usize];
            let is_u_turn = arc_in.map_or(dead_end, |a| tail[a as usize] == w);
            if blocked && !(arc_in.is_some() && is_u_turn) {
                continue;
            }
            if !automaton.allows(s, b, sequences) {
                continue;
            }
            let mut turn = PathCost::ZERO;
            if is_u_turn {
                turn = turn.plus(u_turn);
            }
            if let Some(a) = arc_in {
                if !arcs.access_only[a as usize] && arcs.access_only[b as usize] {
                    turn = turn.plus(PathCost::ACCESS_ONLY_ENTRY);
                }
                if !arcs.is_ferry(a) && arcs.is_ferry(b) {
                    turn = turn.plus(boarding);
                }
            }
            let to = node_of(automaton.goto(s, b), b);
            let cost = turn.plus(arcs.cost[b as usize]).plus(arcs.end_cost[b as usize]);
            edges.push((r as u32, to, cost, b, turn));
        }
    }
    Expanded {
        base_of: nodes.iter().map(|t| t.0).collect(),
        edges,
        enter,
        split_nodes: split.iter().filter(|&&s| s).count(),
    }
}

/// The delay at the end of each arc: signals, a gate, or giving way at a major road (see the
/// module docs). `class` is each arc's road class.
pub(crate) fn end_costs(first_out: &[u32], head: &[u32], class: &[u8], kind: &[Option<NodeKind>]) -> Vec<PathCost> {
    let n = first_out.len() - 1;
    let major = |c: u8| {
        matches!(
            RoadClass::from_u8(c),
            Some(RoadClass::Trunk | RoadClass::Primary | RoadClass::Secondary)
        )
    };
    let minor = |c: u8| RoadClass::from_u8(c).is_some_and(|c| c >= RoadClass::Tertiary && c != RoadClass::Ferry);
    // Per node: its distinct neighbours (up to three, enough to tell a junction) and how many of
    // its arcs are of a major class, in either direction.
    let mut near: Vec<[u32; 3]> = vec![[u32::MAX; 3]; n];
    let mut majors = vec![0u32; n];
    let mut note = |v: usize, w: u32| {
        let slots = &mut near[v];
        if !slots.contains(&w) {
            if let Some(free) = slots.iter_mut().find(|s| **s == u32::MAX) {
                *free = w;
            }
        }
    };
    for v in 0..n {
        for e in first_out[v]..first_out[v + 1] {
            let w = head[e as usize];
            note(v, w);
            note(w as usize, v as u32);
        }
    }
    for v in 0..n {
        for e in first_out[v]..first_out[v + 1] {
            if major(class[e as usize]) {
                majors[v] += 1;
                majors[head[e as usize] as usize] += 1;
            }
        }
    }
    let mut out = vec![PathCost::ZERO; head.len()];
    for v in 0..n {
        for e in first_out[v]..first_out[v + 1] {
            let w = head[e as usize] as usize;
            let mut c = PathCost::ZERO;
            match kind[w] {
                Some(NodeKind::Signals) => c = c.plus(delay(SIGNALS_S)),
                Some(NodeKind::Gate) => c = c.plus(delay(crate::osm::profile::GATE_DELAY_S)),
                _ => {}
            }
            let junction = near[w].iter().all(|&s| s != u32::MAX);
            // The arc itself is minor, so every major arc at `w` is another road's.
            if junction && minor(class[e as usize]) && majors[w] > 0 {
                c = c.plus(delay(GIVE_WAY_S));
            }
            out[e as usize] = c;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arcs of one second and one metre from (tail, head) pairs over `n` nodes, each of the
    /// class `class_of` gives it.
    struct Fixture {
        first: Vec<u32>,
        head: Vec<u32>,
        cost: Vec<PathCost>,
        zero: Vec<PathCost>,
        acc: Vec<bool>,
        class: Vec<u8>,
    }

    impl Fixture {
        fn new(n: usize, mut pairs: Vec<(u32, u32)>, class_of: impl Fn(&(u32, u32)) -> RoadClass) -> Self {
            pairs.sort_unstable();
            let mut first = vec![0u32; n + 1];
            for p in &pairs {
                first[p.0 as usize + 1] += 1;
            }
            for i in 0..n {
                first[i + 1] += first[i];
            }
            let m = pairs.len();
            Fixture {
                first,
                head: pairs.iter().map(|p| p.1).collect(),
                cost: vec![PathCost::new(Millis(1000), Decimeters(10)); m],
                zero: vec![PathCost::ZERO; m],
                acc: vec![false; m],
                class: pairs.iter().map(|p| class_of(p) as u8).collect(),
            }
        }

        fn arcs(&self) -> BaseArcs<'_> {
            BaseArcs {
                first_out: &self.first,
                head: &self.head,
                cost: &self.cost,
                end_cost: &self.zero,
                access_only: &self.acc,
                class: &self.class,
            }
        }
    }

    #[test]
    fn a_no_turn_splits_the_junction_and_drops_only_that_turn() {
        // A cross: centre 0, arms 1 (west), 2 (east), 3 (north), 4 (south), all two-way.
        let cross = (1..=4u32).flat_map(|arm| [(0, arm), (arm, 0)]).collect();
        let fixture = Fixture::new(5, cross, |_| RoadClass::Residential);
        let arcs = fixture.arcs();
        let (w_in, n_out) = (arcs.find(1, 0).unwrap(), arcs.find(0, 3).unwrap());
        let seq = Sequence {
            arcs: vec![w_in],
            rule: TurnRule::No,
            to: vec![n_out],
        };
        let x = expand(&arcs, &NodeFacts { kind: vec![None; 5] }, &[seq]);
        // The centre has four copies; each arm is a chain end (dead end), split too.
        let centre_copies = x.base_of.iter().filter(|&&b| b == 0).count();
        assert_eq!(centre_copies, 4);
        let from_west = x.enter[w_in as usize];
        let turns: Vec<u32> = x.edges.iter().filter(|e| e.0 == from_west).map(|e| e.3).collect();
        assert!(!turns.contains(&n_out), "the left turn is gone");
        assert_eq!(turns.len(), 3, "straight on, right, and back");
        let back = x
            .edges
            .iter()
            .find(|e| e.0 == from_west && e.3 == arcs.find(0, 1).unwrap())
            .unwrap();
        assert_eq!(back.4, delay(U_TURN_S), "turning back costs a U-turn");
    }

    #[test]
    fn boarding_a_ferry_from_a_road_is_charged_once_and_staying_aboard_is_not() {
        // 0 -road- 1 -ferry- 2 -ferry- 3 -road- 4, all two-way.
        let line = (0..4u32).flat_map(|v| [(v, v + 1), (v + 1, v)]).collect();
        let ferry = |p: &(u32, u32)| (1..=3).contains(&p.0) && (1..=3).contains(&p.1);
        let fixture = Fixture::new(5, line, |p| {
            if ferry(p) {
                RoadClass::Ferry
            } else {
                RoadClass::Residential
            }
        });
        let arcs = fixture.arcs();
        let x = expand(&arcs, &NodeFacts { kind: vec![None; 5] }, &[]);
        let copies = |v: u32| x.base_of.iter().filter(|&&b| b == v).count();
        assert_eq!(
            (copies(1), copies(2), copies(3)),
            (2, 1, 2),
            "only the terminals are split"
        );
        let turn = |a: (u32, u32), b: (u32, u32)| {
            let (a, b) = (arcs.find(a.0, a.1).unwrap(), arcs.find(b.0, b.1).unwrap());
            x.edges
                .iter()
                .find(|e| e.0 == x.enter[a as usize] && e.3 == b)
                .unwrap()
                .4
        };
        assert_eq!(
            turn((0, 1), (1, 2)),
            delay(FERRY_BOARDING_S),
            "boarding at the terminal"
        );
        assert_eq!(turn((1, 2), (2, 3)), PathCost::ZERO, "staying aboard");
        assert_eq!(turn((2, 3), (3, 4)), PathCost::ZERO, "driving ashore");
        assert_eq!(turn((4, 3), (3, 2)), delay(FERRY_BOARDING_S), "boarding the other way");
    }
}
