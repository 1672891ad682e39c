import { expect } from 'chai';
import { mount, part, unmountAll } from './chat-fixture.js';

describe('UI text', () => {
  afterEach(() => {
    unmountAll();
    document.documentElement.removeAttribute('lang');
  });

  it('speaks English by default and Chinese when the element or the document is zh', async () => {
    const en = await mount();
    expect(part(en, 'send-button').textContent?.trim()).to.equal('Send');
    const zh = await mount({ lang: 'zh-CN' });
    expect(part(zh, 'send-button').textContent?.trim()).to.equal('发送');
    expect(part(zh, 'input').getAttribute('placeholder')).to.contain('Enter');
    document.documentElement.lang = 'zh-Hans';
    const inherited = await mount();
    expect(part(inherited, 'send-button').textContent?.trim()).to.equal('发送');
  });

  it('switches language live and lets the page override single strings', async () => {
    const el = await mount({ model: 'MyCoder' });
    await el.send('[mock rate=0 echo=1] x');
    el.setAttribute('lang', 'zh');
    await el.updateComplete;
    expect(part(el, 'send-button').textContent?.trim()).to.equal('发送');
    expect(el.shadowRoot!.querySelector('button.regenerate')!.textContent).to.equal('重新生成');
    el.strings = { send: 'Go', regenerate: 'Again' };
    await el.updateComplete;
    expect(part(el, 'send-button').textContent?.trim()).to.equal('Go');
    expect(el.shadowRoot!.querySelector('button.regenerate')!.textContent).to.equal('Again');
  });

  it('labels code block copy buttons in the element language', async () => {
    const el = await mount({ model: 'MyCoder', lang: 'zh' });
    await el.send('[mock rate=0 lines=2 lang=py]');
    expect(part(el, 'copy-button').textContent).to.equal('复制');
  });
});
