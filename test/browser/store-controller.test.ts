import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { atom, computed, map, onMount, type ReadableAtom } from 'nanostores';
import { StoreController } from '../../src/controllers/store-controller.js';

const $first = atom('first');
const $second = atom('second');

@customElement('test-store-view')
class TestStoreView extends LitElement {
  renders = 0;
  store = new StoreController<string>(this, $first);

  protected override render() {
    this.renders += 1;
    return html`<output>${this.store.value}</output>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'test-store-view': TestStoreView;
  }
}

function shown(el: TestStoreView): string | null | undefined {
  return el.shadowRoot?.querySelector('output')?.textContent;
}

describe('StoreController', () => {
  afterEach(() => {
    $first.set('first');
    $second.set('second');
  });

  it('renders the current value', async () => {
    $first.set('hello');
    const el = await fixture<TestStoreView>(html`<test-store-view></test-store-view>`);
    expect(el.store.value).to.equal('hello');
    expect(shown(el)).to.equal('hello');
  });

  it('re-renders when the store changes', async () => {
    const el = await fixture<TestStoreView>(html`<test-store-view></test-store-view>`);
    $first.set('changed');
    expect(el.store.value).to.equal('changed');
    await el.updateComplete;
    expect(shown(el)).to.equal('changed');
  });

  it('batches several changes into one render', async () => {
    const el = await fixture<TestStoreView>(html`<test-store-view></test-store-view>`);
    const before = el.renders;
    $first.set('a');
    $first.set('b');
    $first.set('c');
    await el.updateComplete;
    expect(el.renders).to.equal(before + 1);
    expect(shown(el)).to.equal('c');
  });

  it('stops listening while disconnected and catches up on reconnect', async () => {
    const el = await fixture<TestStoreView>(html`<test-store-view></test-store-view>`);
    const parent = el.parentElement!;
    el.remove();
    const before = el.renders;
    $first.set('while away');
    expect(el.isUpdatePending).to.equal(false);
    expect(el.renders).to.equal(before);
    expect(el.store.value, 'reads the store directly while disconnected').to.equal('while away');
    parent.append(el);
    await el.updateComplete;
    expect(shown(el)).to.equal('while away');
  });

  it('mounts a lazy store only while an element is connected', async () => {
    const $lazy = atom('lazy');
    let mounted = 0;
    onMount($lazy, () => {
      mounted += 1;
      return () => {
        mounted -= 1;
      };
    });
    const el = await fixture<TestStoreView>(html`<test-store-view></test-store-view>`);
    el.store.setStore($lazy);
    expect(mounted).to.equal(1);
    expect($lazy.lc).to.equal(1);
    el.remove();
    expect($lazy.lc).to.equal(0);
  });

  it('swaps the store with setStore', async () => {
    const el = await fixture<TestStoreView>(html`<test-store-view></test-store-view>`);
    el.store.setStore($second);
    await el.updateComplete;
    expect(shown(el)).to.equal('second');
    expect($first.lc, 'the old store has no listener left').to.equal(0);

    const before = el.renders;
    $first.set('ignored');
    expect(el.isUpdatePending).to.equal(false);
    expect(el.renders).to.equal(before);

    $second.set('followed');
    await el.updateComplete;
    expect(shown(el)).to.equal('followed');
  });

  it('swaps the store while disconnected and subscribes to the new one on connect', async () => {
    const el = await fixture<TestStoreView>(html`<test-store-view></test-store-view>`);
    const parent = el.parentElement!;
    el.remove();
    el.store.setStore($second);
    expect($second.lc).to.equal(0);
    expect(el.store.value).to.equal('second');
    parent.append(el);
    await el.updateComplete;
    expect($second.lc).to.equal(1);
    expect(shown(el)).to.equal('second');
  });

  it('ignores setStore with the same store', async () => {
    const el = await fixture<TestStoreView>(html`<test-store-view></test-store-view>`);
    const before = el.renders;
    el.store.setStore($first);
    expect(el.isUpdatePending).to.equal(false);
    expect(el.renders).to.equal(before);
    expect($first.lc).to.equal(1);
  });

  it('works with computed and map stores', async () => {
    const $user = map({ name: 'Ada', seats: 1 });
    const $label: ReadableAtom<string> = computed($user, (user) => `${user.name}:${user.seats}`);
    const el = await fixture<TestStoreView>(html`<test-store-view></test-store-view>`);
    el.store.setStore($label);
    await el.updateComplete;
    expect(shown(el)).to.equal('Ada:1');
    $user.setKey('seats', 2);
    await el.updateComplete;
    expect(shown(el)).to.equal('Ada:2');
  });

  it('lets several elements read one store', async () => {
    const wrapper = await fixture<HTMLDivElement>(
      html`<div><test-store-view></test-store-view><test-store-view></test-store-view></div>`,
    );
    const views = [...wrapper.querySelectorAll('test-store-view')];
    expect($first.lc).to.equal(2);
    $first.set('shared');
    await Promise.all(views.map((view) => view.updateComplete));
    expect(views.map(shown)).to.deep.equal(['shared', 'shared']);
  });
});
