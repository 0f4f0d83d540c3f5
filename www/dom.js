// DOM helpers. Data is only ever put on the page as text nodes
// (textContent / createTextNode): never through innerHTML.

/**
 * Creates an element. props: { class, id, text, attrs: {name: value}, hidden }.
 * Children may be nodes or strings (strings become text nodes).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.id) node.id = props.id;
  if (props.text !== undefined && props.text !== null) node.textContent = String(props.text);
  if (props.attrs) {
    for (const [name, value] of Object.entries(props.attrs)) {
      if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
    }
  }
  if (props.hidden) node.hidden = true;
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

/**
 * Cleans highlight spans for a string of length text.length: accepts
 * [start, end] pairs or {start, end} objects (UTF-16 offsets), drops
 * non-numbers and empty spans, clamps to the string, widens a span that
 * would split a surrogate pair, sorts, and skips spans overlapping an
 * earlier one.
 */
export function normalizeSpans(text, spans) {
  const len = text.length;
  const list = [];
  for (const s of Array.isArray(spans) ? spans : []) {
    let a;
    let b;
    if (Array.isArray(s)) [a, b] = s;
    else if (s && typeof s === 'object') ({ start: a, end: b } = s);
    a = Math.floor(Number(a));
    b = Math.floor(Number(b));
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    a = Math.min(Math.max(a, 0), len);
    b = Math.min(Math.max(b, 0), len);
    if (a > 0 && a < len && isLow(text.charCodeAt(a)) && isHigh(text.charCodeAt(a - 1))) a -= 1;
    if (b > 0 && b < len && isLow(text.charCodeAt(b)) && isHigh(text.charCodeAt(b - 1))) b += 1;
    if (b > a) list.push([a, b]);
  }
  list.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  const out = [];
  let last = 0;
  for (const [a, b] of list) {
    if (a < last) continue;
    out.push([a, b]);
    last = b;
  }
  return out;
}

/** A fragment of text nodes with the spans wrapped in <mark>. */
export function highlight(text, spans) {
  const s = text === undefined || text === null ? '' : String(text);
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const [a, b] of normalizeSpans(s, spans)) {
    if (a > pos) frag.append(document.createTextNode(s.slice(pos, a)));
    const mark = document.createElement('mark');
    mark.textContent = s.slice(a, b);
    frag.append(mark);
    pos = b;
  }
  if (pos < s.length) frag.append(document.createTextNode(s.slice(pos)));
  return frag;
}

/** Spans of one field out of an explanation's span list, as [start, end] pairs. */
export function spansFor(spans, field, index) {
  return (Array.isArray(spans) ? spans : [])
    .filter((s) => s && s.field === field && (index === undefined || s.index === index))
    .map((s) => [s.start, s.end]);
}

/** Calls fn at most once per `ms` of quiet. */
export function debounce(fn, ms) {
  let timer = 0;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}
