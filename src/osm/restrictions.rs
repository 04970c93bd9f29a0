//! Turn restrictions for cars: OSM relations `type=restriction` → [`Restriction`]s, and the
//! counts of those read and those left out, by reason.
//!
//! A relation is read when its `type` is `restriction`. The rule is the most specific of
//! `restriction:motorcar`, `restriction:motor_vehicle`, `restriction`; a relation that carries
//! only other vehicles' rules (`restriction:hgv`, `restriction:bus`, ...) or whose `type` is
//! `restriction:hgv` and the like is not for cars. `except=` (a `;` list) naming `motorcar`,
//! `motor_vehicle` or `vehicle` exempts cars. Rules `no_*` forbid the sequence from → via →
//! to; rules `only_*` allow only it once a car has come from the `from` way through the via.
//! Members: one or more `from` ways (several only for `no_*`, as `no_entry` has), a `via` node
//! or one or more `via` ways, one or more `to` ways (several only for `no_*`, as `no_exit`
//! has); anything else is malformed. `location_hint` members are ignored.
//!
//! Deliberately ignored: conditional restrictions (`restriction:conditional`, and the older
//! `day_on`/`hour_on` tags). carerota's travel times do not depend on the time of day, so a
//! restriction that holds only at some hours can be neither promised nor ignored at the hour of
//! a visit; the unconditional network is kept, as OSRM does by default.
//!
//! Whether a restriction's ways are drivable and meet where it says is decided by the graph
//! builder ([`crate::roads::turns`]), which counts the rest of [`RestrictionCounts`].

use crate::ids::{OsmNodeId, OsmWayId};

/// `no_*` or `only_*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TurnRule {
    /// The sequence is forbidden.
    No,
    /// Coming from `from` through the via, `to` is the only way on.
    Only,
}

/// Where the `from` way meets the `to` way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    Node(OsmNodeId),
    /// Ways driven in turn between `from` and `to`, in the relation's member order.
    Ways(Vec<OsmWayId>),
}

/// A turn restriction that applies to cars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restriction {
    /// The relation's OSM id.
    pub id: i64,
    pub rule: TurnRule,
    pub from: Vec<OsmWayId>,
    pub via: Via,
    pub to: Vec<OsmWayId>,
}

/// What became of the turn restrictions in an extract.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RestrictionCounts {
    /// Relations with `type=restriction` (or `restriction:<vehicle>`).
    pub read: usize,
    /// Relations built into the graph.
    pub applied: usize,
    /// For other vehicles only (`restriction:hgv`, `type=restriction:bus`, ...).
    pub other_vehicles: usize,
    /// Cars exempt by `except=`.
    pub exempt: usize,
    /// Conditional, ignored deliberately (see the module docs).
    pub conditional: usize,
    /// Members or rule not as the OSM scheme describes.
    pub malformed: usize,
    /// A member way is not drivable by car (or not in the extract).
    pub way_not_drivable: usize,
    /// The via node is not on both ways, the via ways do not join from and to, or no car can
    /// drive the turn at all (a one-way way pointing the other way).
    pub via_not_shared: usize,
}

/// How a relation was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Read {
    /// Not a turn restriction at all.
    NotARestriction,
    /// A restriction for cars.
    Car(Restriction),
    OtherVehicles,
    Exempt,
    Conditional,
    Malformed,
}

/// A relation member: its type, id and role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Member<'a> {
    Node(i64, &'a str),
    Way(i64, &'a str),
    Relation(i64, &'a str),
}

/// Reads one relation (see the module docs).
pub fn read<'a>(id: i64, tags: impl Iterator<Item = (&'a str, &'a str)>, members: &[Member<'_>]) -> Read {
    let (mut kind, mut car, mut motor, mut general, mut except) = (None, None, None, None, None);
    let (mut other_rule, mut conditional) = (false, false);
    for (k, v) in tags {
        match k {
            "type" => kind = Some(v),
            "restriction" => general = Some(v),
            "restriction:motorcar" => car = Some(v),
            "restriction:motor_vehicle" => motor = Some(v),
            "except" => except = Some(v),
            "day_on" | "day_off" | "hour_on" | "hour_off" => conditional = true,
            k if k.starts_with("restriction:") => {
                if k.ends_with(":conditional") {
                    conditional = true;
                } else {
                    other_rule = true;
                }
            }
            _ => {}
        }
    }
    match kind {
        Some("restriction") => {}
        Some(k) if k.starts_with("restriction:") => return Read::OtherVehicles,
        _ => return Read::NotARestriction,
    }
    let Some(value) = car.or(motor).or(general) else {
        return if conditional {
            Read::Conditional
        } else if other_rule {
            Read::OtherVehicles
        } else {
            Read::Malformed
        };
    };
    if conditional {
        return Read::Conditional;
    }
    let exempt = except.is_some_and(|e| {
        e.split(';')
            .any(|v| matches!(v.trim(), "motorcar" | "motor_vehicle" | "vehicle"))
    });
    // A vehicle-specific rule for cars is not lifted by a general `except`.
    if exempt && car.or(motor).is_none() {
        return Read::Exempt;
    }
    let rule = if value.starts_with("no_") {
        TurnRule::No
    } else if value.starts_with("only_") {
        TurnRule::Only
    } else {
        return Read::Malformed;
    };
    let (mut from, mut to, mut via_node, mut via_ways) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for m in members {
        match *m {
            Member::Way(w, "from") => from.push(OsmWayId(w)),
            Member::Way(w, "to") => to.push(OsmWayId(w)),
            Member::Way(w, "via") => via_ways.push(OsmWayId(w)),
            Member::Node(n, "via") => via_node.push(OsmNodeId(n)),
            Member::Node(_, "location_hint") => {}
            _ => return Read::Malformed,
        }
    }
    let via = match (via_node.as_slice(), via_ways.is_empty()) {
        ([n], true) => Via::Node(*n),
        ([], false) => Via::Ways(via_ways),
        _ => return Read::Malformed,
    };
    let single = |v: &[OsmWayId]| v.len() == 1;
    let shape_ok = !from.is_empty() && !to.is_empty() && (rule == TurnRule::No || (single(&from) && single(&to)));
    if !shape_ok {
        return Read::Malformed;
    }
    Read::Car(Restriction {
        id,
        rule,
        from,
        via,
        to,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members() -> Vec<Member<'static>> {
        vec![Member::Way(1, "from"), Member::Node(5, "via"), Member::Way(2, "to")]
    }

    fn read_tags(tags: &[(&'static str, &'static str)], m: &[Member<'_>]) -> Read {
        read(9, tags.iter().copied(), m)
    }

    #[test]
    fn reads_no_and_only_rules_via_a_node_or_ways() {
        let r = read_tags(&[("type", "restriction"), ("restriction", "no_left_turn")], &members());
        let Read::Car(r) = r else { panic!("{r:?}") };
        assert_eq!(
            (r.rule, r.from, r.via, r.to),
            (
                TurnRule::No,
                vec![OsmWayId(1)],
                Via::Node(OsmNodeId(5)),
                vec![OsmWayId(2)]
            )
        );
        let via_ways = [
            Member::Way(1, "from"),
            Member::Way(3, "via"),
            Member::Way(4, "via"),
            Member::Way(2, "to"),
        ];
        let r = read_tags(
            &[("type", "restriction"), ("restriction", "only_straight_on")],
            &via_ways,
        );
        let Read::Car(r) = r else { panic!("{r:?}") };
        assert_eq!(
            (r.rule, r.via),
            (TurnRule::Only, Via::Ways(vec![OsmWayId(3), OsmWayId(4)]))
        );
    }

    #[test]
    fn except_motorcar_exempts_cars_and_other_vehicles_rules_are_not_for_cars() {
        let m = members();
        let tags = [
            ("type", "restriction"),
            ("restriction", "no_right_turn"),
            ("except", "bicycle;motorcar"),
        ];
        assert_eq!(read_tags(&tags, &m), Read::Exempt);
        let hgv = [("type", "restriction"), ("restriction:hgv", "no_left_turn")];
        assert_eq!(read_tags(&hgv, &m), Read::OtherVehicles);
        assert_eq!(
            read_tags(&[("type", "restriction:bus"), ("restriction", "no_left_turn")], &m),
            Read::OtherVehicles
        );
        let car = [
            ("type", "restriction"),
            ("restriction:motorcar", "no_u_turn"),
            ("restriction:hgv", "only_left_turn"),
        ];
        assert!(matches!(read_tags(&car, &m), Read::Car(r) if r.rule == TurnRule::No));
    }

    #[test]
    fn conditional_and_malformed_restrictions_are_told_apart() {
        let m = members();
        let cond = [
            ("type", "restriction"),
            ("restriction:conditional", "no_left_turn @ (Mo-Fr 07:00-09:00)"),
        ];
        assert_eq!(read_tags(&cond, &m), Read::Conditional);
        let hours = [
            ("type", "restriction"),
            ("restriction", "no_left_turn"),
            ("hour_on", "7:00"),
        ];
        assert_eq!(read_tags(&hours, &m), Read::Conditional);
        assert_eq!(
            read_tags(&[("type", "restriction"), ("restriction", "give_way")], &m),
            Read::Malformed
        );
        let no_to = [Member::Way(1, "from"), Member::Node(5, "via")];
        assert_eq!(
            read_tags(&[("type", "restriction"), ("restriction", "no_left_turn")], &no_to),
            Read::Malformed
        );
        let two_to = [
            Member::Way(1, "from"),
            Member::Node(5, "via"),
            Member::Way(2, "to"),
            Member::Way(3, "to"),
        ];
        assert_eq!(
            read_tags(&[("type", "restriction"), ("restriction", "only_left_turn")], &two_to),
            Read::Malformed
        );
        assert!(matches!(
            read_tags(&[("type", "restriction"), ("restriction", "no_exit")], &two_to),
            Read::Car(_)
        ));
        assert_eq!(read_tags(&[("type", "multipolygon")], &m), Read::NotARestriction);
    }
}
