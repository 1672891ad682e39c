/**
 * Fence words to the usual file extension of their language: the one table
 * behind a code block's download name (element/view/code-file-name.ts) and
 * the code files that attachments accept as text (shared/attachment-kind.ts).
 */
export const fileExtensions: Readonly<Record<string, string>> = {
  python: 'py', py: 'py', py3: 'py', python3: 'py',
  typescript: 'ts', ts: 'ts', mts: 'mts', cts: 'cts', tsx: 'tsx',
  javascript: 'js', js: 'js', node: 'js', mjs: 'mjs', cjs: 'cjs', jsx: 'jsx',
  rust: 'rs', rs: 'rs', go: 'go', golang: 'go',
  bash: 'sh', sh: 'sh', shell: 'sh', zsh: 'zsh', fish: 'fish', powershell: 'ps1', ps1: 'ps1',
  c: 'c', h: 'h', cpp: 'cpp', 'c++': 'cpp', cxx: 'cpp', cc: 'cpp', hpp: 'hpp',
  csharp: 'cs', 'c#': 'cs', cs: 'cs', java: 'java', kotlin: 'kt', kt: 'kt', scala: 'scala', swift: 'swift',
  ruby: 'rb', rb: 'rb', php: 'php', perl: 'pl', lua: 'lua', r: 'r', julia: 'jl', dart: 'dart',
  haskell: 'hs', hs: 'hs', elixir: 'ex', erlang: 'erl', clojure: 'clj', zig: 'zig', nim: 'nim',
  sql: 'sql', json: 'json', jsonc: 'jsonc', json5: 'json5', yaml: 'yaml', yml: 'yml', toml: 'toml', ini: 'ini', xml: 'xml', svg: 'svg',
  html: 'html', htm: 'html', css: 'css', scss: 'scss', sass: 'sass', less: 'less', vue: 'vue', svelte: 'svelte',
  markdown: 'md', md: 'md', tex: 'tex', latex: 'tex', diff: 'diff', patch: 'patch',
  dockerfile: 'dockerfile', docker: 'dockerfile', makefile: 'mk', make: 'mk', cmake: 'cmake', graphql: 'graphql', proto: 'proto',
};
