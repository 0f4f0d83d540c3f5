// <coop-matcher>: the matcher as a Web Component a portal embeds with one
// script tag:
//
//   <script type="module" src="/coopmatch/coop-matcher.js"></script>
//   <coop-matcher src="/data/profiles.cmx" lang="en" results="10"
//                 kinds="expert,lab"></coop-matcher>
//
// Attributes
//   src      the profiles: JSON array, JSONL or CSV, or a prebuilt `.cmx`
//            index (`coopmatch index`), `.gz` versions decompressed in the
//            worker. Same origin only. Without src, the built-in demo data.
//   format   json | jsonl | csv | cmx, when the extension does not say
//   lang     zh | en (default: the page's language)
//   results  how many results (default 10)
//   kinds    comma-separated kinds shown: expert, lab, team, patent (default all)
//   remember present: offer "remember my profiles on this device" for a
//            file the visitor opens (IndexedDB, opt-in, with "forget")
//
// Events (CustomEvents on the element, bubbling and composed)
//   match    detail: { challenge: string, results: MatchResult[], ms: number }
//            (MatchResult as in coopmatch.d.ts: { profile, score, explanation })
//   select   detail: { profile: Profile, score: number, rank: number }
//            when the visitor picks a result (click or Enter)
//   error    detail: { message: string, phase: 'load' | 'match' }
//   loaded   detail: { total: number, kind: 'index' | 'text', ms: number, errors: RowError[] }
//   progress detail: { phase, loaded, indexed, total, bytes }
//
// Styling: everything lives in a shadow root, so the host page's CSS cannot
// reach it. Custom properties --coop-accent, --coop-text, --coop-muted,
// --coop-bg, --coop-border, --coop-radius, --coop-font set the look;
// ::part(form | input | button | status | progress | cancel | error |
// results | result | name | meta | score | remember) style the pieces.
//
// Methods: match(text) -> Promise<MatchResult[]>, load(src), cancel().

const STRINGS = {
  zh: {
    label: '技术需求',
    placeholder: '描述您的技术难题，例如：钛合金零件增材制造后疲劳寿命不足',
    match: '匹配',
    cancel: '取消',
    loading: '正在载入数据…',
    fetching: '正在下载数据：{kb} KB',
    progress: '已读入 {loaded} / {total} 条，已索引 {indexed} 条',
    indexing: '正在载入预建索引…',
    ready: '已载入 {n} 条科研资源',
    cancelled: '已取消载入',
    results: '找到 {n} 个匹配',
    none: '没有匹配的结果',
    score: '匹配度',
    kinds: { expert: '专家', lab: '实验室', team: '博士团队', patent: '专利' },
    error: '出错：',
    own: '使用我自己的资源文件',
    remember: '在本设备上记住我的资源',
    forget: '忘记已保存的资源',
    saved: '正在使用本设备上保存的资源（{n} 条）',
    forgotten: '已删除本设备上保存的资源',
  },
  en: {
    label: 'Technical challenge',
    placeholder: 'Describe your challenge, e.g. fatigue life of additively manufactured titanium parts',
    match: 'Match',
    cancel: 'Cancel',
    loading: 'Loading data…',
    fetching: 'Downloading data: {kb} KB',
    progress: 'Read {loaded} / {total}, indexed {indexed}',
    indexing: 'Loading the prebuilt index…',
    ready: '{n} research profiles loaded',
    cancelled: 'Loading cancelled',
    results: '{n} matches',
    none: 'No matches',
    score: 'Match',
    kinds: { expert: 'Expert', lab: 'Lab', team: 'Doctoral team', patent: 'Patent' },
    error: 'Error: ',
    own: 'Use my own profile file',
    remember: 'Remember my profiles on this device',
    forget: 'Forget my saved profiles',
    saved: 'Using the profiles saved on this device ({n})',
    forgotten: 'The saved profiles were deleted from this device',
  },
};

const KINDS = ['expert', 'lab', 'team', 'patent'];

const CSS = `
:host {
  all: initial !important;
  display: block !important;
  visibility: visible !important;
  opacity: 1 !important;
  position: relative !important;
  box-sizing: border-box !important;
  color: var(--coop-text, #1f2933) !important;
  background: var(--coop-bg, #fff) !important;
  font: 15px/1.5 var(--coop-font, system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif) !important;
  border: 1px solid var(--coop-border, #d5dbe1) !important;
  border-radius: var(--coop-radius, 8px) !important;
  padding: 1em !important;
  text-align: start !important;
}
:host([hidden]) { display: none !important; }
*, *::before, *::after { box-sizing: border-box; }
.root { display: flex; flex-direction: column; gap: 0.75em; }
form { display: flex; flex-direction: column; gap: 0.5em; margin: 0; }
label { font-weight: 600; color: inherit; }
textarea {
  display: block; width: 100%; min-height: 5em; resize: vertical; font: inherit; color: inherit;
  background: #fff; border: 1px solid var(--coop-border, #d5dbe1); border-radius: var(--coop-radius, 8px);
  padding: 0.5em;
}
.row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em; }
button {
  display: inline-block; font: inherit; cursor: pointer; padding: 0.35em 1em; border-radius: var(--coop-radius, 8px);
  border: 1px solid var(--coop-accent, #1663c7); background: var(--coop-accent, #1663c7); color: #fff;
}
button.secondary { background: transparent; color: var(--coop-accent, #1663c7); }
button:focus-visible, textarea:focus-visible, input:focus-visible { outline: 2px solid var(--coop-accent, #1663c7); outline-offset: 2px; }
button:disabled { opacity: 0.5; cursor: default; }
.status { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em; color: var(--coop-muted, #52606d); font-size: 0.9em; min-height: 1.5em; }
progress { display: inline-block; width: 12em; height: 0.8em; accent-color: var(--coop-accent, #1663c7); }
[hidden] { display: none !important; }
.error { display: block; margin: 0; color: #a61b1b; background: #fdecec; border-radius: var(--coop-radius, 8px); padding: 0.5em; }
ol { display: block; list-style: none; margin: 0; padding: 0; }
li { display: block; margin: 0 0 0.5em; }
.result {
  display: block; width: 100%; text-align: start; color: inherit; background: #fff;
  border: 1px solid var(--coop-border, #d5dbe1); padding: 0.6em 0.8em;
}
.result:hover { border-color: var(--coop-accent, #1663c7); }
.name { display: block; font-weight: 600; color: var(--coop-text, #1f2933); }
.meta { display: block; color: var(--coop-muted, #52606d); font-size: 0.9em; }
.score { display: inline-block; float: inline-end; color: var(--coop-accent, #1663c7); font-weight: 600; }
.remember { display: flex; flex-wrap: wrap; gap: 0.5em 1em; align-items: center; font-size: 0.9em; color: var(--coop-muted, #52606d); }
.remember label { font-weight: normal; }
input[type=file] { font: inherit; color: inherit; max-width: 100%; }
`;

let sheet = null;
function styleSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'part' || k === 'class' || k.startsWith('aria-') || k === 'role' || k === 'for') node.setAttribute(k === 'class' ? 'class' : k, v);
    else node[k] = v;
  }
  node.append(...children);
  return node;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, k) => (k in values ? String(values[k]) : ''));
}

let nextId = 1;

export class CoopMatcher extends HTMLElement {
  static get observedAttributes() {
    return ['src', 'format', 'lang', 'results', 'kinds'];
  }

  /**
   * Makes the worker. Replaceable (the offline single file runs the engine
   * from inline code); returns an object with postMessage/terminate/onmessage.
   */
  static workerFactory = () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

  constructor() {
    super();
    this.worker = null;
    this.pending = new Map();
    this.loadId = 0;
    this.total = 0;
    this.results = [];
    this.ready = null;
    this.usingSaved = false;
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styleSheet()];
    const uid = `cm${nextId++}`;
    this.ui = {};
    const u = this.ui;
    u.label = el('label', { for: `${uid}-q`, part: 'label' });
    u.input = el('textarea', { id: `${uid}-q`, part: 'input', rows: 4, spellcheck: false });
    u.button = el('button', { type: 'submit', part: 'button' });
    u.form = el('form', { part: 'form' }, u.label, u.input, el('div', { class: 'row' }, u.button));
    u.statusText = el('span', {});
    u.progress = el('progress', { part: 'progress', hidden: true });
    u.cancel = el('button', { type: 'button', part: 'cancel', class: 'secondary', hidden: true });
    u.status = el('div', { class: 'status', part: 'status', role: 'status', 'aria-live': 'polite' }, u.statusText, u.progress, u.cancel);
    u.error = el('p', { class: 'error', part: 'error', role: 'alert', hidden: true });
    u.list = el('ol', { part: 'results' });
    u.file = el('input', { type: 'file', accept: '.json,.jsonl,.ndjson,.csv,.tsv,.cmx,.txt', id: `${uid}-f` });
    u.fileLabel = el('label', { for: `${uid}-f` });
    u.rememberBox = el('input', { type: 'checkbox', id: `${uid}-r` });
    u.rememberLabel = el('label', { for: `${uid}-r` });
    u.forget = el('button', { type: 'button', class: 'secondary', part: 'forget' });
    u.remember = el(
      'div',
      { class: 'remember', part: 'remember', hidden: true },
      el('span', {}, u.fileLabel, ' ', u.file),
      el('span', {}, u.rememberBox, ' ', u.rememberLabel),
      u.forget,
    );
    root.append(el('div', { class: 'root' }, u.form, u.status, u.error, u.list, u.remember));

    u.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.match(u.input.value).catch(() => {});
    });
    u.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        this.match(u.input.value).catch(() => {});
      }
    });
    u.cancel.addEventListener('click', () => this.cancel());
    u.list.addEventListener('click', (e) => {
      const button = e.target.closest('button[data-rank]');
      if (button) this.select(Number(button.dataset.rank));
    });
    u.file.addEventListener('change', () => this.openFile());
    u.forget.addEventListener('click', () => this.forgetSaved());
    this.renderStrings();
  }

  get t() {
    const lang = (this.getAttribute('lang') || document.documentElement.lang || 'zh').toLowerCase();
    return lang.startsWith('en') ? STRINGS.en : STRINGS.zh;
  }

  get top() {
    const n = Math.floor(Number(this.getAttribute('results')));
    return Number.isFinite(n) && n > 0 ? Math.min(n, 1000) : 10;
  }

  get kinds() {
    const attr = this.getAttribute('kinds');
    if (!attr) return [];
    return attr.split(/[\s,]+/).map((k) => k.trim().toLowerCase()).filter((k) => KINDS.includes(k));
  }

  connectedCallback() {
    this.ui.remember.hidden = !this.hasAttribute('remember');
    if (!this.ready) this.start();
  }

  disconnectedCallback() {
    this.stopWorker();
    this.ready = null;
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue) return;
    if (name === 'lang') {
      this.renderStrings();
      this.renderResults();
    } else if ((name === 'src' || name === 'format') && this.isConnected && this.ready) {
      this.start();
    } else if ((name === 'results' || name === 'kinds') && this.lastChallenge) {
      this.match(this.lastChallenge).catch(() => {});
    }
  }

  renderStrings() {
    const t = this.t;
    const u = this.ui;
    u.label.textContent = t.label;
    u.input.placeholder = t.placeholder;
    u.button.textContent = t.match;
    u.cancel.textContent = t.cancel;
    u.fileLabel.textContent = t.own;
    u.rememberLabel.textContent = t.remember;
    u.forget.textContent = t.forget;
  }

  // ---- the worker --------------------------------------------------------

  ensureWorker() {
    if (this.worker) return this.worker;
    const worker = CoopMatcher.workerFactory();
    worker.onmessage = (event) => this.onMessage(event.data);
    worker.onerror = (event) => {
      const message = (event && event.message) || 'the matcher worker failed to start';
      for (const { reject } of this.pending.values()) reject(new Error(message));
      this.pending.clear();
      this.fail(message, 'load');
    };
    this.worker = worker;
    return worker;
  }

  stopWorker() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    for (const { reject } of this.pending.values()) reject(new Error('cancelled'));
    this.pending.clear();
  }

  request(msg, transfer) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, type: msg.type });
      this.ensureWorker().postMessage({ ...msg, id }, transfer || []);
    });
  }

  onMessage(msg) {
    if (!msg) return;
    if (msg.type === 'progress') {
      this.showProgress(msg);
      this.emit('progress', { phase: msg.phase, loaded: msg.loaded, indexed: msg.indexed, total: msg.total, bytes: msg.bytes });
      return;
    }
    const waiting = this.pending.get(msg.id);
    if (!waiting) return;
    this.pending.delete(msg.id);
    if (msg.type === 'error') waiting.reject(new Error(msg.message));
    else waiting.resolve(msg);
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  // ---- loading ------------------------------------------------------------

  setBusy(busy) {
    this.ui.progress.hidden = !busy;
    this.ui.cancel.hidden = !busy;
    this.ui.button.disabled = busy;
    this.setAttribute('aria-busy', String(busy));
  }

  showProgress(msg) {
    const t = this.t;
    const p = this.ui.progress;
    if (msg.phase === 'fetch') {
      this.ui.statusText.textContent = fill(t.fetching, { kb: Math.round(msg.bytes / 1024).toLocaleString() });
      if (msg.totalBytes) {
        p.max = msg.totalBytes;
        p.value = Math.min(msg.bytes, msg.totalBytes);
      } else p.removeAttribute('value');
    } else if (msg.phase === 'index' && msg.total) {
      this.ui.statusText.textContent = fill(t.progress, {
        loaded: msg.loaded.toLocaleString(),
        total: msg.total.toLocaleString(),
        indexed: msg.indexed.toLocaleString(),
      });
      p.max = msg.total;
      p.value = msg.indexed;
    } else if (msg.phase === 'index') {
      this.ui.statusText.textContent = t.indexing;
      p.removeAttribute('value');
    }
  }

  async start() {
    this.ready = this.startLoad();
    return this.ready;
  }

  async startLoad() {
    if (this.hasAttribute('remember')) {
      const saved = await import('./saved-profiles.js').then((m) => m.loadSaved()).catch(() => null);
      if (saved && saved.bytes) {
        const ok = await this.load({ bytes: saved.bytes, format: 'cmx' }, true);
        if (ok) {
          this.usingSaved = true;
          this.ui.rememberBox.checked = true;
          this.ui.statusText.textContent = fill(this.t.saved, { n: this.total.toLocaleString() });
          return;
        }
      }
    }
    await this.load({ url: this.dataUrl(), format: this.getAttribute('format') || undefined });
  }

  /** The data URL: the src attribute against the page's address, else the demo data next to this script. */
  dataUrl() {
    const src = this.getAttribute('src');
    return src ? new URL(src, document.baseURI).href : new URL('./demo/profiles.json', import.meta.url).href;
  }

  /** Loads profiles: { url } or { text } or { bytes }, with an optional format. Resolves to true when loaded. */
  async load(source, quiet = false) {
    const t = this.t;
    this.stopWorker();
    const mine = ++this.loadId;
    this.ui.error.hidden = true;
    this.ui.statusText.textContent = t.loading;
    this.ui.progress.removeAttribute('value');
    this.setBusy(true);
    const transfer = source.bytes instanceof ArrayBuffer ? [source.bytes] : [];
    try {
      const msg = await this.request({ type: 'load', ...source }, transfer);
      if (mine !== this.loadId) return false;
      this.setBusy(false);
      if (msg.type === 'cancelled') {
        this.ui.statusText.textContent = t.cancelled;
        return false;
      }
      this.total = msg.total;
      this.ui.statusText.textContent = fill(t.ready, { n: msg.total.toLocaleString() });
      this.setAttribute('data-ready', 'true');
      this.emit('loaded', { total: msg.total, kind: msg.kind, ms: msg.ms, errors: msg.errors || [] });
      if (this.lastChallenge) this.match(this.lastChallenge).catch(() => {});
      return true;
    } catch (err) {
      if (mine !== this.loadId) return false;
      this.setBusy(false);
      if (err.message === 'cancelled') {
        this.ui.statusText.textContent = t.cancelled;
        return false;
      }
      if (!quiet) this.fail(err.message, 'load');
      else this.ui.statusText.textContent = '';
      return false;
    }
  }

  /** Stops a load in progress: the worker is terminated at once. */
  cancel() {
    this.loadId += 1;
    this.stopWorker();
    this.setBusy(false);
    this.ui.statusText.textContent = this.t.cancelled;
    this.setAttribute('data-ready', 'cancelled');
  }

  fail(message, phase) {
    this.setBusy(false);
    this.ui.error.textContent = `${this.t.error}${message}`;
    this.ui.error.hidden = false;
    if (phase === 'load') this.setAttribute('data-ready', 'error');
    this.emit('error', { message, phase });
  }

  // ---- the visitor's own file, remembered only on request ----------------

  async openFile() {
    const file = this.ui.file.files && this.ui.file.files[0];
    if (!file) return;
    const isIndex = /\.cmx$/i.test(file.name);
    const source = isIndex
      ? { bytes: await file.arrayBuffer(), format: 'cmx', name: file.name }
      : { text: await file.text(), name: file.name };
    const ok = await this.load(source);
    this.usingSaved = false;
    if (ok && this.ui.rememberBox.checked) await this.saveCurrent(file.name);
  }

  async saveCurrent(name) {
    try {
      const msg = await this.request({ type: 'writeIndex' });
      const saved = await import('./saved-profiles.js');
      await saved.saveProfiles({ name, bytes: msg.bytes, count: msg.total, savedAt: new Date().toISOString() });
    } catch (err) {
      this.fail(err.message, 'load');
    }
  }

  async forgetSaved() {
    const saved = await import('./saved-profiles.js');
    await saved.forget();
    this.ui.rememberBox.checked = false;
    this.ui.statusText.textContent = this.t.forgotten;
    if (this.usingSaved) {
      this.usingSaved = false;
      await this.load({ url: this.dataUrl(), format: this.getAttribute('format') || undefined });
    }
  }

  // ---- matching -----------------------------------------------------------

  async match(text) {
    const challenge = String(text ?? '');
    this.lastChallenge = challenge;
    if (!challenge.trim()) {
      this.results = [];
      this.renderResults();
      return [];
    }
    if (this.ready) await this.ready;
    const options = { top: this.top, kinds: this.kinds, explain: true };
    try {
      const msg = await this.request({ type: 'match', challenge, options });
      this.results = msg.results;
      this.renderResults();
      this.ui.statusText.textContent = this.results.length
        ? fill(this.t.results, { n: this.results.length })
        : this.t.none;
      this.emit('match', { challenge, results: msg.results, ms: msg.ms });
      return msg.results;
    } catch (err) {
      if (err.message !== 'cancelled') this.fail(err.message, 'match');
      throw err;
    }
  }

  select(rank) {
    const r = this.results[rank];
    if (r) this.emit('select', { profile: r.profile, score: r.score, rank });
  }

  renderResults() {
    const t = this.t;
    const items = this.results.map((r, rank) => {
      const p = r.profile;
      const meta = [t.kinds[p.kind] || p.kind, p.institution, p.discipline].filter(Boolean).join(' · ');
      const button = el(
        'button',
        { type: 'button', class: 'result', part: 'result' },
        el('span', { class: 'score', part: 'score', title: t.score }, `${Math.round(r.score * 100)}%`),
        el('span', { class: 'name', part: 'name' }, p.name || p.id),
        el('span', { class: 'meta', part: 'meta' }, meta),
      );
      button.dataset.rank = String(rank);
      button.dataset.id = p.id;
      return el('li', {}, button);
    });
    this.ui.list.replaceChildren(...items);
  }
}

if (!customElements.get('coop-matcher')) customElements.define('coop-matcher', CoopMatcher);
