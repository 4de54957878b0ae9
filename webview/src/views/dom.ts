/** Small DOM helpers shared by the views (no inline style attributes: the CSP forbids them). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K];
export function el(tag: string, className?: string): HTMLElement;
export function el(tag: string, className = ''): HTMLElement {
  const element = document.createElement(tag);
  if (className) element.className = className;
  return element;
}

export type Checkbox = HTMLElement & { checked: boolean; disabled: boolean };
export type ValueControl = HTMLElement & { value: string };

/** A toolkit checkbox; Enter toggles it too (the toolkit handles Space). */
export function checkbox(id: string, label: string, onChange: (checked: boolean) => void): Checkbox {
  const box = Object.assign(el('vscode-checkbox'), { checked: false, disabled: false }) as Checkbox;
  box.id = id;
  box.textContent = label;
  box.addEventListener('change', () => onChange(box.checked));
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !box.disabled) {
      e.preventDefault();
      box.checked = !box.checked;
    }
  });
  return box;
}

/** A toolkit dropdown of (value, label) options. */
export function dropdown(id: string, label: string, options: readonly [string, string][], onChange: (value: string) => void): ValueControl {
  const select = Object.assign(el('vscode-dropdown'), { value: '' }) as ValueControl;
  select.id = id;
  select.setAttribute('aria-label', label);
  for (const [value, text] of options) {
    const option = el('vscode-option');
    option.setAttribute('value', value);
    option.textContent = text;
    select.append(option);
  }
  select.addEventListener('change', () => onChange(select.value));
  return select;
}

/** A label element for a control (the visible text beside it). */
export function labelFor(control: HTMLElement, text: string): HTMLLabelElement {
  const label = el('label', 'control-label');
  label.htmlFor = control.id;
  label.textContent = text;
  return label;
}
