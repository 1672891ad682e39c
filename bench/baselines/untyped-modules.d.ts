// Types for the parts of untyped packages the baselines use (prismjs ships none).
declare module 'prismjs' {
  const Prism: { highlightElement(element: Element): void };
  export default Prism;
}
declare module 'prismjs/components/*';
declare module 'prismjs/themes/*.css';
