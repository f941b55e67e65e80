// Treemap of the largest modules: d3-hierarchy's squarified layout, plus label fitting.

import { hierarchy, treemap, treemapSquarify } from 'd3-hierarchy';
import { formatBytes } from './format';

export interface TreemapInput {
  /** The tile's key and label: a module path, or a version at the versions level. */
  path: string;
  bytes: number;
  /** Palette slot 0..7, or -1 for the "other" colour; by owner (`colorFor`) when absent. */
  color?: number;
  /** The tooltip's name when it is not `path` (`path@version` for a version). */
  title?: string;
  /** The text drawn in the tile when it is not `path`. */
  label?: string;
  /** Whether the tile's versions are selected for cleaning (drawn with an outline). */
  selected?: 'all' | 'some' | 'none';
}

export interface TreemapRect {
  /** Module path. */
  name: string;
  bytes: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Palette slot 0..7 (by owner), or -1 for the "other" colour. */
  color: number;
  /** The tooltip's name. */
  title: string;
  /** Whether its versions are selected for cleaning. */
  selected: 'all' | 'some' | 'none';
  /** The label that fits in the rect ('' when nothing fits). */
  label: string;
  /** Whether a second line with the size fits as well. */
  showSize: boolean;
}

/** Average glyph width of the 11 px label font, in pixels (generous, so labels never spill). */
export const CHAR_WIDTH = 6.6;
const PAD_X = 5;
const LINE = 14;

/** Width in pixels of a label; the component measures with the real font (canvas). */
export type Measure = (text: string) => number;

/** A fixed-width estimate, for tests and before fonts are known. */
export const estimate: Measure = (text) => text.length * CHAR_WIDTH;

/** Shortens `text` to fit `space` pixels, ending in an ellipsis when cut ('' if 3 chars don't fit). */
export function fitText(text: string, space: number, measure: Measure = estimate): string {
  if (measure(text) <= space) return text;
  for (let n = text.length - 1; n >= 2; n--) {
    const cut = `${text.slice(0, n)}…`;
    if (measure(cut) <= space) return cut;
  }
  return '';
}

/** The label for a module in a rect: full path, else without host, else the last element, cut. */
export function labelFor(name: string, width: number, height: number, measure: Measure = estimate): string {
  if (height < LINE + 6) return '';
  const space = width - 2 * PAD_X;
  if (space < measure('ab…')) return '';
  if (measure(name) <= space) return name;
  const slash = name.indexOf('/');
  const short = slash > 0 ? name.slice(slash + 1) : name;
  if (measure(short) <= space) return short;
  return fitText(name.slice(name.lastIndexOf('/') + 1), space, measure);
}

const CODE_HOSTS = new Set(['github.com', 'gitlab.com', 'bitbucket.org', 'codeberg.org', 'gitee.com']);

/** Who publishes a module: `github.com/owner` on code hosts, else the host (`golang.org`). */
export function ownerOf(path: string): string {
  const parts = path.split('/');
  return CODE_HOSTS.has(parts[0]) && parts.length > 1 ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** A stable palette slot per owner, so one publisher's modules share a colour. */
export function colorFor(path: string): number {
  const owner = ownerOf(path);
  let h = 0;
  for (let i = 0; i < owner.length; i++) h = (h * 31 + owner.charCodeAt(i)) >>> 0;
  return h % 8;
}

/** The palette slots given to owners by `ownerColors`; the rest share the "other" colour. */
export const OWNER_SLOTS = 6;

/**
 * Colours for the owners of `items`, largest owner (by total bytes) first: the first
 * `slots` owners each get their own palette slot, so a legend can name every colour without
 * two owners sharing one; the others get -1 (one "other owners" colour).
 */
export function ownerColors(items: TreemapInput[], slots = OWNER_SLOTS): Map<string, number> {
  const byOwner = new Map<string, number>();
  for (const i of items) {
    const o = ownerOf(i.path);
    byOwner.set(o, (byOwner.get(o) ?? 0) + i.bytes);
  }
  const ranked = [...byOwner].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return new Map(ranked.map(([o], n) => [o, n < slots ? n : -1]));
}

/** The major version of a Go version (`v2` of `v2.3.1+incompatible`), or '' when not one. */
export function majorOf(version: string): string {
  const m = /^(v\d+)(\.|$)/.exec(version);
  return m ? m[1] : '';
}

/** Colours for versions by major version, newest major first (v2, v1, v0), like `ownerColors`. */
export function majorColors(versions: string[], slots = OWNER_SLOTS): Map<string, number> {
  const majors = [...new Set(versions.map(majorOf))].sort((a, b) => Number(b.slice(1) || -1) - Number(a.slice(1) || -1));
  return new Map(majors.map((m, n) => [m, n < slots ? n : -1]));
}

interface Node {
  name: string;
  bytes: number;
  input?: TreemapInput;
  children?: Node[];
}

/** The thickness, in px, of the thinnest strip a tile of the treemap gets, however small its item. */
export const MIN_SIDE = 10;

/** The `limit` largest items with a positive size, largest first. */
export function largest(items: TreemapInput[], limit: number): TreemapInput[] {
  return items
    .filter((i) => i.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, limit);
}

/**
 * Lays out the `limit` largest items in a `width`×`height` box with d3's squarified treemap.
 * Items of zero size are left out; so are the smaller ones (the caller says how many).
 */
export function buildTreemap(
  items: TreemapInput[],
  width: number,
  height: number,
  limit = 60,
  measure: { name: Measure; size: Measure } = { name: estimate, size: estimate },
): TreemapRect[] {
  if (width <= 0 || height <= 0) return [];
  const top = largest(items, limit);
  if (top.length === 0) return [];
  const children: Node[] = top.map((i) => ({ name: i.path, bytes: i.bytes, input: i }));
  // A tiny item gets a tile one can see and click (a 4 KiB version beside a 150 MiB one would
  // otherwise be zero pixels wide): at least a MIN_SIDE-px strip across the box, but never
  // more than half the box shared among all items. Labels and tooltips keep the real size.
  const total = top.reduce((s, i) => s + i.bytes, 0);
  const floor = total * Math.min(MIN_SIDE / Math.min(width, height), 0.5 / top.length);
  const root = hierarchy<Node>({ name: '', bytes: 0, children })
    .sum((d) => (d.children ? 0 : Math.max(d.bytes, floor)))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const laid = treemap<Node>().tile(treemapSquarify).size([width, height]).paddingInner(2).round(true)(root);
  return laid.leaves().map((leaf) => {
    const w = Math.max(0, leaf.x1 - leaf.x0);
    const h = Math.max(0, leaf.y1 - leaf.y0);
    const label = labelFor(leaf.data.input?.label ?? leaf.data.name, w, h, measure.name);
    const size = formatBytes(leaf.data.bytes);
    return {
      name: leaf.data.name,
      bytes: leaf.data.bytes,
      x: leaf.x0,
      y: leaf.y0,
      width: w,
      height: h,
      color: leaf.data.input?.color ?? colorFor(leaf.data.name),
      title: leaf.data.input?.title ?? leaf.data.name,
      selected: leaf.data.input?.selected ?? 'none',
      label,
      showSize: label !== '' && h >= 2 * LINE + 8 && measure.size(size) + 2 * PAD_X <= w,
    };
  });
}
