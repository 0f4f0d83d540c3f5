// Interface strings (Chinese and English) and the language switch.
// Static text in index.html carries data-i18n="key" (text content) or
// data-i18n-attr="attr:key;attr2:key2"; dynamic text calls t(key, vars).
// The chosen language is the only thing this page stores (localStorage
// key 'coopmatch.lang').

const STORAGE_KEY = 'coopmatch.lang';

const plural = (one, many) => (v) => (v.n === 1 ? one : many).replace('{n}', v.n);

const STRINGS = {
  zh: {
    docTitle: '校企技术需求匹配 · coopmatch',
    skip: '跳到主要内容',
    appTitle: '校企技术需求匹配',
    tagline: '把企业技术难题与高校专家、实验室、博士团队和开放许可专利对接起来',
    langToggle: 'English',
    langToggleLabel: 'Switch the interface to English',
    notice: '内置数据均为虚构的演示数据。需求文本只在本机浏览器中处理，不会上传到任何服务器。',
    tabsLabel: '视图',
    tabMatch: '按需求找成果',
    tabReverse: '按成果找需求',
    challengeHeading: '企业技术需求',
    sampleLabel: '示例需求',
    sampleCustom: '— 自己输入 —',
    challengeLabel: '描述需要解决的技术难题',
    challengePlaceholder: '例如：新能源汽车电池包在快充时温升过快，需要改进热管理方案……',
    matchBtn: '匹配',
    clearBtn: '清空',
    highlightHeading: '需求中命中的词',
    highlightEmpty: '匹配后，这里会标出需求中与首位结果相同的词。',
    filtersHeading: '筛选',
    kindLegend: '类型',
    disciplineLabel: '学科',
    regionLabel: '地区',
    allDisciplines: '全部学科',
    allRegions: '全部地区',
    minScoreLabel: '最低匹配度',
    importHeading: '导入自有成果数据',
    importHint: '支持 CSV、JSON、JSONL。CSV 列：id, kind, name, institution, discipline, region, keywords（以 ; 分隔）, summary, work1_title, work1_abstract, work1_year。数据只在本机处理。',
    importModeLegend: '导入方式',
    importAdd: '添加到现有数据',
    importReplace: '替换现有数据（含演示数据）',
    dropZone: '把文件拖到这里，或',
    fileLabel: '选择文件',
    restoreDemo: '恢复演示数据',
    resultsHeading: '匹配结果',
    exportCsv: '导出 CSV',
    exportJson: '导出 JSON',
    exportLabel: '导出当前结果',
    reverseSideHeading: '选择一项成果',
    profileSearchLabel: '搜索成果（名称、单位、关键词）',
    profileSearchPlaceholder: '输入关键字筛选',
    profileSelectLabel: '成果列表',
    reverseHeading: '与该成果最相关的企业需求',
    reverseEmpty: '请先在左侧选择一项成果。',
    reverseNone: '示例需求中没有与该成果相关的内容。',
    footerDemo: '内置的专家、实验室、博士团队、专利和企业需求均为虚构的演示数据，如有雷同纯属巧合。',
    footerPrivacy: '需求文本和导入的数据只在浏览器内处理，不会离开本机；页面只从本站加载自身文件。',
    dismiss: '关闭',
    errorPrefix: '出错了：',
    errorWasm: '匹配引擎加载失败',
    errorDemo: '演示数据加载失败',
    errorFileTooBig: '文件太大（上限 20 MB）',
    demoRejected: (v) => `演示数据中有 ${v.n} 行未能加载：${v.msg}`,
    loading: '正在加载匹配引擎和演示数据……',
    profileCount: (v) => `已加载 ${v.n} 项成果`,
    sourceDemo: '（演示数据）',
    sourceMixed: '（演示数据 + 导入数据）',
    sourceCustom: '（导入数据）',
    sourceNone: '（无数据）',
    matchesCount: (v) => `找到 ${v.n} 项匹配`,
    matchesNone: '没有符合条件的匹配结果。可以换个说法，或放宽筛选条件。',
    matchesPrompt: '请在左侧输入或选择一条企业需求。',
    noKinds: '请至少选择一种类型。',
    challengesCount: (v) => `共 ${v.n} 条相关需求`,
    kind_expert: '专家',
    kind_lab: '实验室·平台',
    kind_team: '博士团队',
    kind_patent: '开放许可专利',
    rankLabel: (v) => `第 ${v.n} 名`,
    scoreLabel: '匹配度',
    termsLabel: '命中词',
    shareTitle: (v) => `占得分的 ${v.n}%`,
    moreTerms: (v) => `其余 ${v.n} 个词`,
    bestWork: '最相关的成果',
    ownProfile: '成果简介与关键词',
    keywordsLabel: '关键词',
    colon: '：',
    listSep: '；',
    patentNumber: '专利号',
    licenceFee: '许可费',
    licenceTerms: '许可条件',
    enterpriseLabel: '企业',
    industryLabel: '行业',
    importSummary: (v) => `已加载 ${v.loaded} 条，拒绝 ${v.rejected} 条，替换 ${v.replaced} 条`,
    importFile: (v) => `文件：${v.name}`,
    reportCaption: '校验报告',
    colLine: '行',
    colId: 'ID',
    colField: '字段',
    colMessage: '说明',
    importNoIssues: '所有行均通过校验。',
    sampleOption: (v) => `${v.title}（${v.enterprise}）`,
    versionLabel: (v) => `匹配引擎 ${v.v}`,
  },
  en: {
    docTitle: 'coopmatch · school–enterprise technology matching',
    skip: 'Skip to main content',
    appTitle: 'School–enterprise technology matching',
    tagline: 'Connect enterprises’ technical challenges with university experts, labs, doctoral teams and open-licence patents',
    langToggle: '中文',
    langToggleLabel: '切换为中文界面',
    notice: 'The built-in data is fictional demo data. Your challenge text is processed in this browser only and never leaves your device.',
    tabsLabel: 'Views',
    tabMatch: 'Challenge → expertise',
    tabReverse: 'Profile → challenges',
    challengeHeading: 'Technical challenge',
    sampleLabel: 'Sample challenges',
    sampleCustom: '— your own text —',
    challengeLabel: 'Describe the technical problem to solve',
    challengePlaceholder: 'e.g. Our EV battery packs heat up too fast during fast charging; we need better thermal management…',
    matchBtn: 'Match',
    clearBtn: 'Clear',
    highlightHeading: 'Matched words in your challenge',
    highlightEmpty: 'After matching, the words shared with the top result are marked here.',
    filtersHeading: 'Filters',
    kindLegend: 'Kind',
    disciplineLabel: 'Discipline',
    regionLabel: 'Region',
    allDisciplines: 'All disciplines',
    allRegions: 'All regions',
    minScoreLabel: 'Minimum score',
    importHeading: 'Import your own profiles',
    importHint: 'CSV, JSON or JSONL. CSV columns: id, kind, name, institution, discipline, region, keywords (separated by ;), summary, work1_title, work1_abstract, work1_year. Files are processed on this device only.',
    importModeLegend: 'Import mode',
    importAdd: 'Add to the current data',
    importReplace: 'Replace the current data (including the demo data)',
    dropZone: 'Drop a file here, or',
    fileLabel: 'Choose a file',
    restoreDemo: 'Restore demo data',
    resultsHeading: 'Matches',
    exportCsv: 'Export CSV',
    exportJson: 'Export JSON',
    exportLabel: 'Export the current results',
    reverseSideHeading: 'Choose a profile',
    profileSearchLabel: 'Search profiles (name, institution, keywords)',
    profileSearchPlaceholder: 'Type to filter',
    profileSelectLabel: 'Profiles',
    reverseHeading: 'Challenges that fit this profile',
    reverseEmpty: 'Choose a profile on the left first.',
    reverseNone: 'None of the sample challenges relates to this profile.',
    footerDemo: 'All built-in experts, labs, doctoral teams, patents and enterprise challenges are fictional demo data; any resemblance is coincidental.',
    footerPrivacy: 'Challenge text and imported data are processed in your browser and never leave your device; the page loads nothing but its own files.',
    dismiss: 'Dismiss',
    errorPrefix: 'Error:',
    errorWasm: 'The matching engine could not be loaded',
    errorDemo: 'The demo data could not be loaded',
    errorFileTooBig: 'The file is too large (limit 20 MB)',
    demoRejected: (v) => `${v.n} rows of the demo data could not be loaded: ${v.msg}`,
    loading: 'Loading the matching engine and demo data…',
    profileCount: plural('1 profile loaded', '{n} profiles loaded'),
    sourceDemo: ' (demo data)',
    sourceMixed: ' (demo + imported data)',
    sourceCustom: ' (imported data)',
    sourceNone: ' (no data)',
    matchesCount: plural('1 match', '{n} matches'),
    matchesNone: 'No matches for these filters. Try other wording or relax the filters.',
    matchesPrompt: 'Type or choose an enterprise challenge on the left.',
    noKinds: 'Select at least one kind.',
    challengesCount: plural('1 related challenge', '{n} related challenges'),
    kind_expert: 'Expert',
    kind_lab: 'Lab / platform',
    kind_team: 'Doctoral team',
    kind_patent: 'Open-licence patent',
    rankLabel: (v) => `Rank ${v.n}`,
    scoreLabel: 'Score',
    termsLabel: 'Matched terms',
    shareTitle: (v) => `${v.n}% of the score`,
    moreTerms: (v) => `${v.n} more`,
    bestWork: 'Best-matching work',
    ownProfile: 'Profile summary and keywords',
    keywordsLabel: 'Keywords',
    colon: ': ',
    listSep: '; ',
    patentNumber: 'Patent no.',
    licenceFee: 'Licence fee',
    licenceTerms: 'Terms',
    enterpriseLabel: 'Enterprise',
    industryLabel: 'Industry',
    importSummary: (v) => `${v.loaded} loaded, ${v.rejected} rejected, ${v.replaced} replaced`,
    importFile: (v) => `File: ${v.name}`,
    reportCaption: 'Validation report',
    colLine: 'Line',
    colId: 'ID',
    colField: 'Field',
    colMessage: 'Message',
    importNoIssues: 'Every row passed validation.',
    sampleOption: (v) => `${v.title} (${v.enterprise})`,
    versionLabel: (v) => `engine ${v.v}`,
  },
};

export const LANGS = Object.keys(STRINGS);
let lang = 'zh';

/** The language from localStorage, else from the browser. */
function initialLang() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && STRINGS[saved]) return saved;
  } catch {
    // Storage disabled: fall through to the browser language.
  }
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || '';
  return nav.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function getLang() {
  return lang;
}

/** The translated string for key; functions get vars. Unknown keys show as the key. */
export function t(key, vars = {}) {
  const s = STRINGS[lang][key] ?? STRINGS.en[key];
  if (s === undefined) return key;
  return typeof s === 'function' ? s(vars) : s;
}

export function kindLabel(kind) {
  const s = STRINGS[lang][`kind_${kind}`];
  return s ?? String(kind);
}

/** Applies the language to the static markup and <html lang>. */
export function applyI18n(root = document) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('docTitle');
  for (const node of root.querySelectorAll('[data-i18n]')) {
    node.textContent = t(node.dataset.i18n);
  }
  for (const node of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of node.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) node.setAttribute(attr, t(key));
    }
  }
}

export function initLang() {
  lang = initialLang();
  applyI18n();
}

/** Switches language, remembers it, and re-applies static strings. */
export function setLang(next) {
  if (!STRINGS[next]) return;
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered; the switch still applies to this visit.
  }
  applyI18n();
}
