// The app's pages: hash path -> module (loaded on first visit). `auth` names
// the role a page needs ("member", "staff"); the router sends others to sign
// in first and back here after. `nav` is the header's menu, per role.
export const routes = [
  { path: "/", page: () => import("./pages/centres.js") },
  { path: "/centres", page: () => import("./pages/centres.js") },
  { path: "/centre/:id", page: () => import("./pages/centre.js") },
  { path: "/book", page: () => import("./pages/book.js") },
  { path: "/space/:id", page: () => import("./pages/space.js") },
  { path: "/programmes", page: () => import("./pages/programmes.js") },
  { path: "/programme/:id", page: () => import("./pages/programme.js") },
  { path: "/signin", page: () => import("./pages/signin.js") },
  { path: "/me/bookings", page: () => import("./pages/my-bookings.js"), auth: "member" },
  { path: "/me/notifications", page: () => import("./pages/my-notifications.js"), auth: "member" },
  { path: "/me/account", page: () => import("./pages/my-account.js"), auth: "member" },
  // the centre desk (staff; admins too), administration (admins), reports (both)
  { path: "/desk", page: () => import("./pages/desk.js"), auth: ["staff", "admin"] },
  { path: "/desk/walk-in", page: () => import("./pages/desk-walk-in.js"), auth: ["staff", "admin"] },
  { path: "/desk/rosters", page: () => import("./pages/desk-rosters.js"), auth: ["staff", "admin"] },
  { path: "/desk/reference", page: () => import("./pages/desk-reference.js"), auth: ["staff", "admin"] },
  { path: "/reports", page: () => import("./pages/reports.js"), auth: ["staff", "admin"] },
  { path: "/admin/signin", page: () => import("./pages/admin-signin.js") },
  { path: "/admin", page: () => import("./pages/admin.js"), auth: "admin" },
  { path: "/admin/webhooks", page: () => import("./pages/admin-webhooks.js"), auth: "admin" },
];

const DESK = [
  { href: "#/desk", label: "desk.nav.day" },
  { href: "#/desk/walk-in", label: "desk.nav.walk_in" },
  { href: "#/desk/rosters", label: "desk.nav.rosters" },
  { href: "#/desk/reference", label: "desk.nav.reference" },
  { href: "#/reports", label: "reports.nav" },
];

export const nav = {
  anonymous: [
    { href: "#/centres", label: "nav.centres" },
    { href: "#/programmes", label: "nav.programmes" },
    { href: "#/desk", label: "desk.nav.staff_entry" },
  ],
  member: [
    { href: "#/centres", label: "nav.centres" },
    { href: "#/programmes", label: "nav.programmes" },
    { href: "#/me/bookings", label: "nav.my_bookings" },
    { href: "#/me/notifications", label: "nav.notifications" },
    { href: "#/me/account", label: "nav.account" },
  ],
  staff: DESK,
  admin: [
    ...DESK,
    { href: "#/admin", label: "admin.nav.accounts" },
    { href: "#/admin/webhooks", label: "admin.nav.webhooks" },
  ],
};
