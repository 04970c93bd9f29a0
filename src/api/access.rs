//! Who may call which route: one [`RouteRule`] a route, listed in [`ROUTES`]. The handlers
//! check their caller against their rule's roles (`caller.allow(access::GET_PLAN.roles())`),
//! the OpenAPI document names them on every operation, the README's table of who may do what
//! is [`markdown_table`], and the contract tests call every route with every role from it.
//!
//! Architecture invariant: a route registered in [`super::configure`] has exactly one rule
//! here (the contract test parses both and fails on a route without one).

use crate::store::Role;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without a key (operations routes).
    Public,
    /// A key with one of these roles.
    Roles(&'static [Role]),
}

/// One route of the service and who may call it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteRule {
    /// `GET`, `POST`, `DELETE`.
    pub method: &'static str,
    /// The path template as registered, e.g. `/v1/plans/{id}`.
    pub path: &'static str,
    pub access: Access,
    /// What the route does, in a few words (the README's table).
    pub summary: &'static str,
}

impl RouteRule {
    /// The roles that may call the route; empty for a public route.
    pub const fn roles(&self) -> &'static [Role] {
        match self.access {
            Access::Public => &[],
            Access::Roles(r) => r,
        }
    }

    /// True when a key with `role` may call the route (always for a public route).
    pub fn allows(&self, role: Role) -> bool {
        match self.access {
            Access::Public => true,
            Access::Roles(r) => r.contains(&role),
        }
    }
}

const fn rule(method: &'static str, path: &'static str, roles: &'static [Role], summary: &'static str) -> RouteRule {
    RouteRule {
        method,
        path,
        access: Access::Roles(roles),
        summary,
    }
}

const fn public(path: &'static str, summary: &'static str) -> RouteRule {
    RouteRule {
        method: "GET",
        path,
        access: Access::Public,
        summary,
    }
}

use Role::{Admin, Commissioner, Manager, Scheduler};

pub const VALIDATE_SCENARIO: RouteRule = rule(
    "POST",
    "/v1/scenarios:validate",
    &[Manager, Scheduler],
    "validate a scenario",
);
pub const CREATE_SCENARIO: RouteRule = rule("POST", "/v1/scenarios", &[Manager], "store a scenario");
pub const GET_SCENARIO: RouteRule = rule(
    "GET",
    "/v1/scenarios/{id}",
    &[Manager, Scheduler, Commissioner],
    "read a stored scenario",
);
pub const LIST_SCENARIOS: RouteRule = rule(
    "GET",
    "/v1/scenarios",
    &[Manager, Scheduler, Commissioner],
    "list stored scenarios, newest first",
);
pub const LIST_PLANS: RouteRule = rule(
    "GET",
    "/v1/plans",
    &[Manager, Scheduler, Commissioner],
    "list plan jobs, newest first",
);
pub const CREATE_PLAN: RouteRule = rule("POST", "/v1/plans", &[Manager, Scheduler], "plan a day (a job)");
pub const GET_PLAN: RouteRule = rule(
    "GET",
    "/v1/plans/{id}",
    &[Manager, Scheduler, Commissioner],
    "follow a plan job, read its plan",
);
pub const CANCEL_PLAN: RouteRule = rule(
    "DELETE",
    "/v1/plans/{id}",
    &[Manager, Scheduler],
    "stop a plan job, keeping its best plan",
);
pub const PLAN_AUDIT: RouteRule = rule("GET", "/v1/plans/{id}/audit", &[Manager], "read a plan's audit log");
pub const PLAN_FILE: RouteRule = rule(
    "GET",
    "/v1/plans/{id}/{file}",
    &[Manager, Scheduler, Commissioner],
    "read a plan's files",
);
pub const RECOMMENDATIONS: RouteRule = rule(
    "POST",
    "/v1/plans/{id}/recommendations",
    &[Manager, Scheduler],
    "options for fitting a referral into a plan",
);
pub const CREATE_VERSION: RouteRule = rule(
    "POST",
    "/v1/plans/{id}/versions",
    &[Manager, Scheduler],
    "apply an event: the plan's next version",
);
pub const LIST_VERSIONS: RouteRule = rule(
    "GET",
    "/v1/plans/{id}/versions",
    &[Manager, Scheduler, Commissioner],
    "a plan's versions, oldest first",
);
pub const VERSION_DIFF: RouteRule = rule(
    "GET",
    "/v1/plans/{id}/versions/{n}/diff",
    &[Manager, Scheduler, Commissioner],
    "what a version changed from its parent",
);
pub const CREATE_ROTA: RouteRule = rule("POST", "/v1/rotas", &[Manager], "make a rota (a job)");
pub const GET_ROTA: RouteRule = rule(
    "GET",
    "/v1/rotas/{id}",
    &[Manager, Scheduler],
    "follow a rota job, read its rota",
);
pub const CREATE_STUDY: RouteRule = rule(
    "POST",
    "/v1/studies",
    &[Commissioner, Manager],
    "start a base-location study (a job)",
);
pub const LIST_STUDIES: RouteRule = rule(
    "GET",
    "/v1/studies",
    &[Commissioner, Manager],
    "list studies, newest first",
);
pub const GET_STUDY: RouteRule = rule(
    "GET",
    "/v1/studies/{id}",
    &[Commissioner, Manager],
    "follow a study job",
);
pub const CANCEL_STUDY: RouteRule = rule("DELETE", "/v1/studies/{id}", &[Commissioner, Manager], "stop a study");
pub const STUDY_FILE: RouteRule = rule(
    "GET",
    "/v1/studies/{id}/{file}",
    &[Commissioner, Manager],
    "read a completed study's files",
);
pub const LIST_AREAS: RouteRule = rule(
    "GET",
    "/v1/areas",
    &[Manager, Scheduler, Commissioner, Admin],
    "the areas planned on",
);
pub const AREA_MAP: RouteRule = rule(
    "GET",
    "/v1/areas/{area}/map.svg",
    &[Manager, Scheduler, Commissioner, Admin],
    "an area's road map (SVG, with its projection)",
);
pub const ME: RouteRule = rule(
    "GET",
    "/v1/me",
    &[Manager, Scheduler, Commissioner, Admin],
    "the caller's key and role",
);
pub const CREATE_KEY: RouteRule = rule("POST", "/v1/keys", &[Admin], "make an API key");
pub const REVOKE_KEY: RouteRule = rule("DELETE", "/v1/keys/{id}", &[Admin], "revoke an API key");

/// Every route of the service, in the order of the README's table.
pub const ROUTES: &[RouteRule] = &[
    VALIDATE_SCENARIO,
    CREATE_SCENARIO,
    GET_SCENARIO,
    LIST_SCENARIOS,
    CREATE_PLAN,
    LIST_PLANS,
    GET_PLAN,
    CANCEL_PLAN,
    PLAN_FILE,
    PLAN_AUDIT,
    RECOMMENDATIONS,
    CREATE_VERSION,
    LIST_VERSIONS,
    VERSION_DIFF,
    CREATE_ROTA,
    GET_ROTA,
    CREATE_STUDY,
    LIST_STUDIES,
    GET_STUDY,
    CANCEL_STUDY,
    STUDY_FILE,
    LIST_AREAS,
    AREA_MAP,
    ME,
    CREATE_KEY,
    REVOKE_KEY,
    public("/", "the scheduler's desk (web page)"),
    public("/assets/{name}", "the page's script and style"),
    public("/healthz", "is the process up"),
    public("/readyz", "can the service answer"),
    public("/metrics", "Prometheus metrics"),
    public("/openapi.json", "the OpenAPI document"),
    public("/docs", "the API reference page"),
];

/// The rule of a route, by method (any case) and path template.
pub fn rule_for(method: &str, path: &str) -> Option<&'static RouteRule> {
    ROUTES
        .iter()
        .find(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
}

/// The README's table of who may do what: a row a route, a column a role.
pub fn markdown_table() -> String {
    let mut t = String::from("| route | what | manager | scheduler | commissioner | admin |\n");
    t.push_str("|---|---|:-:|:-:|:-:|:-:|\n");
    for r in ROUTES {
        let key = if r.access == Access::Public {
            " (no key needed)"
        } else {
            ""
        };
        t.push_str(&format!("| `{} {}` | {}{key} |", r.method, r.path, r.summary));
        for role in Role::ALL {
            t.push_str(if r.allows(role) { " ✓ |" } else { " |" });
        }
        t.push('\n');
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_route_has_two_rules() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {} twice",
                    a.method,
                    a.path
                );
            }
        }
    }

    #[test]
    fn every_keyed_route_admits_some_role() {
        for r in ROUTES {
            if let Access::Roles(roles) = r.access {
                assert!(!roles.is_empty(), "{} {} admits nobody", r.method, r.path);
            }
        }
    }
}
