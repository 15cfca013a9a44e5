import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import {
  $locale,
  BUILT_IN_LOCALES,
  en,
  format,
  getLocale,
  loadLocale,
  LocalizeController,
  registerMessages,
  setLocale,
  translate,
  type MessageKey,
} from '../../src/i18n/index.js';
import { ko } from '../../src/i18n/locales/ko.js';
import { zhCN } from '../../src/i18n/locales/zh-CN.js';

@customElement('test-localized')
class TestLocalized extends LitElement {
  i18n = new LocalizeController(this);

  protected override render() {
    return html`<p lang=${this.i18n.lang}>${this.i18n.t('tile.emptySeat')}</p>
      <p>${this.i18n.t('invitation.message', { name: 'Ada' })}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'test-localized': TestLocalized;
  }
}

function texts(el: TestLocalized): string[] {
  return [...el.shadowRoot!.querySelectorAll('p')].map((p) => p.textContent ?? '');
}

describe('i18n', () => {
  const removals: (() => void)[] = [];

  afterEach(() => {
    for (const remove of removals.splice(0)) remove();
    setLocale('en');
  });

  // First in the file: the page has loaded no catalog but English yet.
  describe('loading', () => {
    it('loads a shipped catalog on first use and re-renders when it arrives', async () => {
      const el = await fixture<TestLocalized>(html`<test-localized></test-localized>`);
      setLocale('ko');
      expect(translate('tile.emptySeat'), 'English until Korean is in').to.equal('Empty seat');
      await loadLocale('ko');
      await el.updateComplete;
      expect(texts(el)).to.deep.equal(['빈 자리', 'Ada님이 게스트로 초대했습니다']);
      expect(el.i18n.lang).to.equal('ko');
    });

    it('switches at once to a catalog loaded ahead of time', async () => {
      await loadLocale('zh-Hans');
      setLocale('zh-Hans');
      expect(translate('tile.emptySeat')).to.equal('空麦位');
    });
  });

  describe('catalogs', () => {
    it('ships English, Simplified Chinese and Korean', () => {
      expect(BUILT_IN_LOCALES).to.deep.equal(['en', 'zh-CN', 'ko']);
    });

    for (const [locale, catalog] of [
      ['zh-CN', zhCN],
      ['ko', ko],
    ] as const) {
      it(`${locale} translates every key with the same placeholders`, () => {
        expect(Object.keys(catalog).sort()).to.deep.equal(Object.keys(en).sort());
        for (const key of Object.keys(en) as MessageKey[]) {
          const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
          expect(placeholders(catalog[key]), key).to.deep.equal(placeholders(en[key]));
          expect(catalog[key].trim(), key).not.to.equal('');
        }
      });
    }

    it('has no markup in any message', () => {
      for (const catalog of [en, zhCN, ko]) {
        for (const text of Object.values(catalog)) expect(text).not.to.match(/[<>]|&\w+;/);
      }
    });
  });

  describe('runtime locale', () => {
    before(() => Promise.all([loadLocale('zh-CN'), loadLocale('ko')]));

    it('starts in English', async () => {
      const el = await fixture<TestLocalized>(html`<test-localized></test-localized>`);
      expect(getLocale()).to.equal('en');
      expect(texts(el)).to.deep.equal(['Empty seat', 'Ada invites you to join']);
    });

    it('re-renders elements when the locale changes', async () => {
      const el = await fixture<TestLocalized>(html`<test-localized></test-localized>`);
      setLocale('zh-CN');
      await el.updateComplete;
      expect(texts(el)).to.deep.equal(['空麦位', 'Ada 邀请你连麦']);
      setLocale('ko');
      await el.updateComplete;
      expect(texts(el)).to.deep.equal(['빈 자리', 'Ada님이 게스트로 초대했습니다']);
      setLocale('en');
      await el.updateComplete;
      expect(texts(el)).to.deep.equal(['Empty seat', 'Ada invites you to join']);
    });

    it('publishes the locale in the $locale store', () => {
      const seen: string[] = [];
      const unsubscribe = $locale.subscribe((locale) => seen.push(locale));
      setLocale('ko');
      setLocale('zh-cn');
      unsubscribe();
      expect(seen).to.deep.equal(['en', 'ko', 'zh-CN']);
    });

    it('accepts tags in any case and canonicalises them', () => {
      setLocale('ZH-cn');
      expect(getLocale()).to.equal('zh-CN');
      expect(translate('tile.locked')).to.equal('已锁定');
    });

    it('refuses a malformed tag and keeps the current locale', () => {
      setLocale('ko');
      expect(() => setLocale('not a locale!')).to.throw(RangeError);
      expect(getLocale()).to.equal('ko');
    });

    it('does not touch the document language', async () => {
      const before = document.documentElement.lang;
      setLocale('ko');
      await fixture(html`<test-localized></test-localized>`);
      expect(document.documentElement.lang).to.equal(before);
    });
  });

  describe('fallback', () => {
    before(() => Promise.all([loadLocale('zh-CN'), loadLocale('ko')]));

    it('falls back to English for a locale without messages', async () => {
      setLocale('fr');
      const el = await fixture<TestLocalized>(html`<test-localized></test-localized>`);
      expect(texts(el)).to.deep.equal(['Empty seat', 'Ada invites you to join']);
      expect(el.i18n.locale).to.equal('fr');
      expect(el.i18n.lang, 'the messages are English').to.equal('en');
    });

    it('falls back along the subtags (ko-KR → ko)', () => {
      setLocale('ko-KR');
      expect(translate('tile.emptySeat')).to.equal('빈 자리');
    });

    it('gives simplified Chinese to zh and zh-Hans, not to traditional Chinese', () => {
      for (const locale of ['zh', 'zh-Hans', 'zh-Hans-CN', 'zh-SG']) {
        setLocale(locale);
        expect(translate('tile.emptySeat'), locale).to.equal('空麦位');
      }
      for (const locale of ['zh-TW', 'zh-Hant', 'zh-HK', 'zh-Hant-HK']) {
        setLocale(locale);
        expect(translate('tile.emptySeat'), locale).to.equal('Empty seat');
      }
    });

    it('falls back to English per message for a partial locale', () => {
      removals.push(registerMessages('fr', { 'tile.emptySeat': 'Place libre' }));
      setLocale('fr');
      expect(translate('tile.emptySeat')).to.equal('Place libre');
      expect(translate('tile.locked')).to.equal('Locked');
    });
  });

  describe('registerMessages', () => {
    before(() => Promise.all([loadLocale('zh-CN'), loadLocale('ko')]));

    it('overrides a single string and re-renders', async () => {
      const el = await fixture<TestLocalized>(html`<test-localized></test-localized>`);
      removals.push(registerMessages('en', { 'tile.emptySeat': 'Free seat' }));
      await el.updateComplete;
      expect(texts(el)).to.deep.equal(['Free seat', 'Ada invites you to join']);
    });

    it('overrides a string of a shipped translation only for that locale', () => {
      removals.push(registerMessages('zh-CN', { 'tile.emptySeat': '空位' }));
      expect(translate('tile.emptySeat')).to.equal('Empty seat');
      setLocale('zh-CN');
      expect(translate('tile.emptySeat')).to.equal('空位');
      expect(translate('tile.locked')).to.equal('已锁定');
    });

    it('lets the latest registration win and undoes exactly one', () => {
      const removeFirst = registerMessages('en', { 'tile.emptySeat': 'First' });
      const removeSecond = registerMessages('en', { 'tile.emptySeat': 'Second' });
      removals.push(removeFirst, removeSecond);
      expect(translate('tile.emptySeat')).to.equal('Second');
      removeSecond();
      expect(translate('tile.emptySeat')).to.equal('First');
      removeFirst();
      expect(translate('tile.emptySeat')).to.equal('Empty seat');
    });

    it('adds a whole new language', async () => {
      removals.push(registerMessages('de', { 'tile.emptySeat': 'Freier Platz' }));
      setLocale('de-AT');
      const el = await fixture<TestLocalized>(html`<test-localized></test-localized>`);
      expect(texts(el)[0]).to.equal('Freier Platz');
      expect(el.i18n.lang).to.equal('de');
    });

    it('ignores unknown keys and values that are not strings', () => {
      const hostile = { 'no.such.key': 'x', 'tile.locked': 42, 'tile.emptySeat': 'Ok' } as unknown as Record<
        MessageKey,
        string
      >;
      removals.push(registerMessages('en', hostile));
      expect(translate('tile.locked')).to.equal('Locked');
      expect(translate('tile.emptySeat')).to.equal('Ok');
    });
  });

  describe('interpolation', () => {
    it('fills placeholders', () => {
      expect(translate('notify.joinedSeat', { name: 'Ada', index: 3 })).to.equal('Ada joined seat 3');
      expect(translate('apply.waiting', { seconds: 12 })).to.equal('Waiting for the host… 12s');
    });

    it('formats numbers for the language', () => {
      expect(translate('applicants.count', { count: 1234 })).to.equal('1,234 requests');
    });

    it('inserts values as they are, without interpreting them', () => {
      expect(translate('invitation.message', { name: '{count} $& $1 <b>x</b>' })).to.equal(
        '{count} $& $1 <b>x</b> invites you to join',
      );
    });

    it('keeps a placeholder that has no value', () => {
      expect(format('{name} and {other}', { name: 'Ada' }, 'en')).to.equal('Ada and {other}');
      expect(format('no {values}', undefined, 'en')).to.equal('no {values}');
    });

    it('does not read inherited properties as values', () => {
      expect(format('{toString} {constructor}', {}, 'en')).to.equal('{toString} {constructor}');
    });
  });
});
