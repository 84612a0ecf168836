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
];

export const nav = {
  anonymous: [
    { href: "#/centres", label: "nav.centres" },
    { href: "#/programmes", label: "nav.programmes" },
  ],
  member: [
    { href: "#/centres", label: "nav.centres" },
    { href: "#/programmes", label: "nav.programmes" },
    { href: "#/me/bookings", label: "nav.my_bookings" },
    { href: "#/me/notifications", label: "nav.notifications" },
    { href: "#/me/account", label: "nav.account" },
  ],
};
