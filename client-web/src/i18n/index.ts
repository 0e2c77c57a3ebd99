import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN';
import en from './en';

export const messages = { 'zh-CN': zhCN, en };
export type Locale = keyof typeof messages;
const LOCALE_KEY = 'dais.locale';

function initialLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(LOCALE_KEY) : null;
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages,
});

// A device that has not chosen its language speaks the hearing's (settings.locale: English for "en" or "en-XX",
// Chinese otherwise, as the minutes do); a choice made with the EN / 中文 button stays this device's.
export function followHearingLocale(hearingLocale: string | undefined): void {
  if (typeof localStorage !== 'undefined' && localStorage.getItem(LOCALE_KEY)) return;
  const locale: Locale = hearingLocale === 'en' || hearingLocale?.startsWith('en-') ? 'en' : 'zh-CN';
  i18n.global.locale.value = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(LOCALE_KEY, locale);
  document.documentElement.lang = locale;
}
