import { h, replace } from "../ui.js";
export default async function page({ main }) {
  replace(main, h("h1", {}, "…"));
}
