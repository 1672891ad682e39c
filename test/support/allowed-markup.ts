/**
 * What the renderer legitimately puts in the DOM, written out by hand from
 * safe-html.ts, code-block.ts and markdown-it's own rules (raw HTML off), for
 * the hostile-input tests: any element, attribute or URL outside this list
 * that reaches the DOM is a hole. A new render stage that emits new markup
 * adds it here, on purpose.
 */

/**
 * Attributes any element may carry: `class`; `dir` (`ltr`/`rtl`, the
 * direction stage and code's own left-to-right); `hidden` (a block whose
 * direction is not decided yet).
 */
const GLOBAL_ATTRIBUTES = ['class', 'dir', 'hidden'];

/** HTML tag (lower case) → the attributes it may carry beyond the global ones. */
export const ALLOWED: Record<string, readonly string[]> = {
  p: ['part'],
  br: [],
  hr: [],
  em: [],
  strong: [],
  s: [],
  code: [],
  blockquote: [],
  ul: [],
  ol: ['start'],
  li: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: [],
  td: [],
  a: ['href', 'rel', 'target', 'title'],
  img: ['src', 'alt', 'loading', 'referrerpolicy', 'title'],
  // `data-diagram`: a closed mermaid fence (empty marker, then its drawing state); `part`: the diagram box and
  // the element's own `tool-call` box (message-view.ts), never from model text.
  div: ['data-lang', 'data-diagram', 'part'],
  span: ['part'],
  pre: ['part'],
  button: ['type', 'part', 'aria-label', 'aria-pressed'],
  // Task lists: a disabled checkbox, nothing that submits or loads.
  input: ['type', 'disabled', 'checked'],
};

/**
 * The files of a sent user message (element/view/attachment-list.ts): built
 * on the page with DOM calls, names as text; an image only as a `blob:` URL
 * of the file itself (`{ attachments: true }`).
 */
export const ATTACHMENT_MARKUP: Record<string, readonly string[]> = {
  img: ['part', 'src', 'alt', 'title'],
  span: ['part'],
  p: ['part'],
};

/** MathML (the math stage), presentation only: no `href`, no `maction`, no `annotation-xml`. */
export const ALLOWED_MATHML: Record<string, readonly string[]> = Object.fromEntries(
  [
    'math', 'semantics', 'annotation', 'mrow', 'mi', 'mn', 'mo', 'ms', 'mtext', 'mspace',
    'msub', 'msup', 'msubsup', 'munder', 'mover', 'munderover', 'mmultiscripts', 'mprescripts', 'none',
    'mfrac', 'msqrt', 'mroot', 'mstyle', 'merror', 'mpadded', 'mphantom', 'mtable', 'mtr', 'mtd', 'menclose',
  ].map(tag => [
    tag,
    [
      'display', 'displaystyle', 'scriptlevel', 'mathvariant', 'mathsize', 'mathcolor', 'mathbackground',
      'fence', 'form', 'separator', 'stretchy', 'symmetric', 'largeop', 'movablelimits', 'lspace', 'rspace',
      'minsize', 'maxsize', 'accent', 'accentunder', 'linethickness', 'width', 'height', 'depth', 'voffset',
      'notation', 'columnalign', 'rowalign', 'columnspan', 'rowspan', 'encoding',
    ],
  ]),
);

const HTML_NS = 'http://www.w3.org/1999/xhtml';
const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';

const linkSchemes = ['http:', 'https:', 'mailto:'];

/**
 * Every way `root`'s subtree breaks the allow-list, as sentences (empty: none).
 * URLs are judged as the browser resolves them (`a.href`, `img.src`), so an
 * obfuscated `java&#x09;script:` is caught by what it became.
 */
export function markupViolations(root: Element, { images = false, attachments = false } = {}): string[] {
  const problems: string[] = [];
  for (const el of root.querySelectorAll('*')) {
    const tag = el.localName;
    const table = attachments ? ATTACHMENT_MARKUP : ALLOWED;
    const allowed = el.namespaceURI === HTML_NS ? table[tag] : el.namespaceURI === MATHML_NS && !attachments ? ALLOWED_MATHML[tag] : undefined;
    if (!allowed) {
      problems.push(`<${tag}> (${el.namespaceURI}) is not allowed`);
      continue;
    }
    for (const { name } of el.attributes) {
      if (!GLOBAL_ATTRIBUTES.includes(name) && !allowed.includes(name)) problems.push(`<${tag} ${name}> is not allowed`);
    }
    const dir = el.getAttribute('dir');
    if (dir !== null && !['ltr', 'rtl', 'auto'].includes(dir)) problems.push(`<${tag} dir="${dir}"> is not a direction`);
    if (el instanceof HTMLInputElement && (el.type !== 'checkbox' || !el.disabled)) problems.push(`an input that is not a disabled checkbox: ${el.outerHTML}`);
    if (el instanceof HTMLAnchorElement && el.hasAttribute('href')) {
      const protocol = new URL(el.href).protocol;
      if (!linkSchemes.includes(protocol)) problems.push(`link to ${protocol} (${el.getAttribute('href')})`);
      if (el.rel !== 'noopener noreferrer' || el.target !== '_blank') problems.push(`link without rel/target: ${el.outerHTML}`);
    }
    if (el instanceof HTMLImageElement && el.parentElement?.matches('[part~="diagram"]')) {
      // A drawn diagram: Mermaid's SVG as an image (never live markup), whatever allow-images says.
      if (!el.src.startsWith('data:image/svg+xml')) problems.push(`diagram image from ${el.src.slice(0, 40)}`);
    } else if (el instanceof HTMLImageElement) {
      if (!images) problems.push(`image while images are off: ${el.outerHTML}`);
      const protocol = new URL(el.src).protocol;
      const schemes = attachments ? ['blob:'] : ['http:', 'https:'];
      if (!schemes.includes(protocol)) problems.push(`image from ${protocol} (${el.getAttribute('src')})`);
    }
  }
  return problems;
}

/**
 * Pieces that hostile or merely unlucky model output is made of: raw HTML and
 * event handlers, script URLs in every disguise, markdown link and image
 * forms, fences, math delimiters, tables, lists, entities.
 */
export const HOSTILE_PIECES = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<a href="javascript:alert(1)">x</a>',
  '<iframe src="data:text/html,<script>alert(1)</script>">',
  '<style>*{color:red}</style>',
  '<div style="background:url(javascript:1)">',
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x](java\tscript:alert(1))',
  '[x](  javascript:alert(1))',
  '[x](&#x6A;avascript:alert(1))',
  '[x](javascript&colon;alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](https://example.com/ok "title")',
  '[x](/relative?q=1)',
  '[x](mailto:a@example.com)',
  '![i](data:image/png;base64,iVBORw0KGgo=)',
  '![i](javascript:alert(1))',
  '![i](https://example.com/i.png)',
  '![i](//example.com/i.png)',
  '<javascript:alert(1)>',
  '<https://example.com>',
  'www.example.com',
  'javascript:alert(1)',
  '[ref]: javascript:alert(1)\n',
  '[ref]\n',
  '[a][ref]',
  '```\n',
  '```js\n',
  '```javascript onclick=alert(1)\n',
  '~~~\n',
  '    indented code\n',
  '$$x^2$$',
  '\\(x\\)',
  '\\[x\\]',
  '$a$',
  '| a | b |\n| --- | :-: |\n| 1 | 2 |\n',
  '> quote ',
  '- item ',
  '1. item ',
  '7) item ',
  '- [ ] task ',
  '# heading ',
  'setext\n---\n',
  '**bold**',
  '_em_',
  '~~del~~',
  '`code`',
  '&lt;&amp;&quot;&#0;&#x110000;',
  '"\'><',
  '\u0000\u2028\u202e',
  '你好 🙂 🧑‍💻',
  '\n',
  '\n\n',
  '\r\n',
  ' ',
];
