// <vllm-chat> in a React 19 app. React 19 sets props of a custom element as
// properties when the element has them (here: after the import below defined
// it) and adds `on<event-name>` props as listeners of that exact event name,
// so the element's `vllm-chat-done` event needs no wrapper component.
// In an app built from the package this import is `import 'vllm-chat';`.
import '../../src/vllm-chat.ts';
import { StrictMode, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

function App() {
  const chat = useRef(null);
  const [theme, setTheme] = useState('github-dark');
  const [replies, setReplies] = useState(0);
  return (
    <main>
      <h1>React 19 + &lt;vllm-chat&gt;</h1>
      <p>
        <button onClick={() => setTheme(theme === 'github-dark' ? 'github-light' : 'github-dark')}>Theme: {theme}</button>{' '}
        <button onClick={() => chat.current?.send('用 Python 写一个快速排序')}>Ask for quicksort</button>{' '}
        <span id="replies">Replies finished: {replies}</span>
      </p>
      <vllm-chat
        ref={chat}
        endpoint="/v1"
        theme={theme}
        onvllm-chat-done={() => setReplies(n => n + 1)}
      ></vllm-chat>
    </main>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);
