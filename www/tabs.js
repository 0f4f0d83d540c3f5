// An accessible tab bar (WAI-ARIA tabs pattern). Every [role=tab] button in
// the tablist names its panel with aria-controls; adding a view is adding a
// button and a <section role="tabpanel">, nothing here changes.
// Keys: Left/Right/Home/End move between tabs, Enter/Space (native button
// behaviour) and click select.

export function initTabs(tablist, onChange = () => {}) {
  const tabs = () => [...tablist.querySelectorAll('[role="tab"]')];
  const panelOf = (tab) => document.getElementById(tab.getAttribute('aria-controls'));

  function select(tab, { focus = false } = {}) {
    for (const other of tabs()) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      const panel = panelOf(other);
      if (panel) panel.hidden = !selected;
    }
    if (focus) tab.focus();
    onChange(tab.id, panelOf(tab));
  }

  tablist.addEventListener('click', (event) => {
    const tab = event.target.closest('[role="tab"]');
    if (tab && tablist.contains(tab)) select(tab);
  });

  tablist.addEventListener('keydown', (event) => {
    const list = tabs();
    const i = list.indexOf(document.activeElement);
    if (i < 0) return;
    let next = -1;
    if (event.key === 'ArrowRight') next = (i + 1) % list.length;
    else if (event.key === 'ArrowLeft') next = (i - 1 + list.length) % list.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = list.length - 1;
    if (next < 0) return;
    event.preventDefault();
    select(list[next], { focus: true });
  });

  const initial = tabs().find((tab) => tab.getAttribute('aria-selected') === 'true') || tabs()[0];
  if (initial) select(initial);

  return {
    select: (id) => {
      const tab = document.getElementById(id);
      if (tab) select(tab);
    },
    current: () => tabs().find((tab) => tab.getAttribute('aria-selected') === 'true')?.id,
  };
}
