// The mock portal listens to the component's events, as a real portal would.
const matcher = document.getElementById('matcher');
const show = (id, text) => {
  document.getElementById(id).textContent = text;
};
matcher.addEventListener('match', (e) => {
  const top = e.detail.results[0];
  show('last-match', `${e.detail.results.length} 条结果${top ? `，第一名：${top.profile.name}` : ''}（${e.detail.ms.toFixed(1)} ms）`);
});
matcher.addEventListener('select', (e) => show('last-select', `${e.detail.profile.name}（${Math.round(e.detail.score * 100)}%）`));
matcher.addEventListener('error', (e) => show('last-error', e.detail.message));
