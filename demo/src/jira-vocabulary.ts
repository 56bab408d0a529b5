// The words the demo's Jira-like workload is made of: company workspaces, people, projects, issue summaries,
// custom fields, labels and Confluence page titles. Plain data, so the generator reads like a story and a
// reviewer can see what the tables will hold. Nothing here is random; generate-jira-workload.ts picks.

/** Workspace ids (valid Kafka keys, ARI segments and query workspace ids); more are made by numbering. */
export const COMPANIES: readonly string[] = Object.freeze([
  "acme",
  "globex",
  "initech",
  "umbrella",
  "hooli",
  "stark-industries",
  "wayne-enterprises",
  "wonka",
  "soylent",
  "cyberdyne",
  "tyrell",
  "aperture",
  "black-mesa",
  "oscorp",
  "massive-dynamic",
  "pied-piper",
  "vandelay",
  "gringotts",
  "monsters-inc",
  "dunder-mifflin",
  "los-pollos",
  "bluth",
  "prestige-worldwide",
  "nakatomi",
  "weyland-yutani",
  "virtucon",
  "spacely-sprockets",
  "cogswell-cogs",
  "kramerica",
  "sterling-cooper",
]);

/** Account ids of people; each workspace has a team drawn from them. */
export const PEOPLE: readonly string[] = Object.freeze([
  "ada.lovelace",
  "grace.hopper",
  "alan.turing",
  "katherine.johnson",
  "linus.torvalds",
  "margaret.hamilton",
  "dennis.ritchie",
  "barbara.liskov",
  "ken.thompson",
  "radia.perlman",
  "edsger.dijkstra",
  "frances.allen",
  "john.backus",
  "hedy.lamarr",
  "tim.berners-lee",
  "annie.easley",
  "donald.knuth",
  "sophie.wilson",
  "guido.vanrossum",
  "karen.sparck-jones",
]);

export interface ProjectTemplate {
  readonly name: string;
  readonly key: string;
  readonly type: "SOFTWARE" | "BUSINESS" | "SERVICE_DESK";
  readonly description: string;
}

export const PROJECTS: readonly ProjectTemplate[] = Object.freeze([
  {
    name: "Payments Platform",
    key: "PAY",
    type: "SOFTWARE",
    description: "Card, wallet and invoice payments.",
  },
  { name: "Mobile App", key: "MOB", type: "SOFTWARE", description: "The iOS and Android apps." },
  { name: "Data Pipeline", key: "DATA", type: "SOFTWARE", description: "Ingestion, warehouse and exports." },
  { name: "Customer Portal", key: "PORT", type: "SOFTWARE", description: "Self-service account pages." },
  { name: "Search", key: "SRCH", type: "SOFTWARE", description: "Indexing and ranking." },
  { name: "Identity", key: "IAM", type: "SOFTWARE", description: "Login, SSO and permissions." },
  { name: "Design System", key: "DS", type: "SOFTWARE", description: "Shared UI components." },
  { name: "Infrastructure", key: "INFRA", type: "SOFTWARE", description: "Clusters, networking and CI." },
  {
    name: "Support Desk",
    key: "HELP",
    type: "SERVICE_DESK",
    description: "Customer requests and incidents.",
  },
  { name: "Marketing Site", key: "WEB", type: "BUSINESS", description: "Landing pages and campaigns." },
  { name: "Growth Experiments", key: "GROW", type: "BUSINESS", description: "A/B tests and funnels." },
  { name: "Security", key: "SEC", type: "SOFTWARE", description: "Audits, pen tests and hardening." },
]);

export const SUMMARY_VERBS: readonly string[] = Object.freeze([
  "Fix",
  "Add",
  "Investigate",
  "Improve",
  "Remove",
  "Migrate",
  "Document",
  "Refactor",
  "Upgrade",
  "Support",
]);

export const SUMMARY_OBJECTS: readonly string[] = Object.freeze([
  "checkout timeout",
  "flaky login test",
  "CSV export",
  "dark mode",
  "rate limiter",
  "SSO with Okta",
  "webhook retries",
  "search ranking",
  "invoice PDF",
  "push notifications",
  "audit log",
  "database connection pool",
  "onboarding email",
  "API pagination",
  "feature flag cleanup",
  "password reset flow",
  "image upload size limit",
  "timezone handling in reports",
]);

export const SUMMARY_CONTEXTS: readonly string[] = Object.freeze([
  "",
  "",
  " on Safari",
  " for EU customers",
  " in the mobile app",
  " after the 4.2 release",
  " under load",
  " for enterprise plans",
]);

export const DESCRIPTIONS: readonly string[] = Object.freeze([
  "Steps to reproduce are in the linked support ticket. Happens for roughly one request in fifty.",
  "Customers report this in the weekly sync; we should size it before the next planning.",
  "The current behaviour predates the 2024 redesign and nobody owns it any more.",
  "Acceptance criteria: covered by an integration test, documented in the runbook, behind a flag.",
  "Seen in production logs since Tuesday; error rate is low but rising.",
]);

export const LABELS: readonly string[] = Object.freeze([
  "bug",
  "customer-reported",
  "tech-debt",
  "security",
  "performance",
  "frontend",
  "backend",
  "mobile",
  "regression",
  "ux",
]);

export const TEAMS: readonly string[] = Object.freeze([
  "Platform",
  "Growth",
  "Core",
  "Mobile",
  "Data",
  "Payments",
]);
export const COMPONENTS: readonly string[] = Object.freeze(["api", "web", "ios", "android", "worker", "db"]);
export const SEVERITIES: readonly string[] = Object.freeze([
  "S1 - critical",
  "S2 - major",
  "S3 - minor",
  "S4 - trivial",
]);

export const PAGE_TITLES: readonly string[] = Object.freeze([
  "Runbook",
  "Architecture overview",
  "Quarterly planning",
  "Incident review",
  "Onboarding guide",
  "Release notes",
  "Team agreements",
]);

export const PAGE_PARAGRAPHS: readonly string[] = Object.freeze([
  "This page is the source of truth for the team's on-call process. Update it after every incident review.",
  "Decisions are recorded below with their date and the people who made them. Open questions go to the end.",
  "The service runs in three regions; each region's data stays in that region, including backups.",
  "Before a release, check the dashboards linked here and confirm the error budget is not exhausted.",
  "Ownership: the team named in the header answers pages for everything listed on this page.",
]);

/** Resources of the exported API reference pages, the big payloads that get offloaded. */
export const API_RESOURCES: readonly string[] = Object.freeze([
  "issues",
  "projects",
  "users",
  "comments",
  "attachments",
  "worklogs",
  "sprints",
  "boards",
  "webhooks",
  "audit-records",
]);
