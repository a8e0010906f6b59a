/**
 * English and Simplified Chinese. Every UI string is a key of en.json or of a feature part
 * (parts/<feature>.en.json); zh-CN.json has the same
 * keys (checked by catalogs.test.ts). `{name}` placeholders are filled from `vars`. The choice is
 * kept in localStorage (a language code only, never a secret) and sent to the report endpoint.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import enBase from './en.json';
import zhCNBase from './zh-CN.json';
// Feature catalogs: each feature keeps its messages in parts/<feature>.<lang>.json, merged here.
import enCompliance from './parts/compliance.en.json';
import zhCNCompliance from './parts/compliance.zh-CN.json';
import enWallet from './parts/wallet.en.json';
import zhCNWallet from './parts/wallet.zh-CN.json';
import enKcp from './parts/kcp.en.json';
import zhCNKcp from './parts/kcp.zh-CN.json';

const en = { ...enBase, ...enCompliance, ...enWallet, ...enKcp };
const zhCN: Record<string, string> = { ...zhCNBase, ...zhCNCompliance, ...zhCNWallet, ...zhCNKcp };

export type MessageKey = keyof typeof en;
export type Lang = 'en' | 'zh-CN';
export const LANGS: readonly { code: Lang; label: string }[] = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
];
const catalogs: Record<Lang, Record<string, string>> = { en, 'zh-CN': zhCN };
const STORAGE_KEY = 'keygrade.lang';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t: Translate;
}

/** Fills `{name}` placeholders. */
export function format(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

function initialLang(): Lang {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // storage disabled: fall through to the browser's language
  }
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      window.localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // storage disabled: the choice lasts for this page
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const cat = catalogs[lang];
    return { lang, setLang, t: (key, vars) => format(cat[key] ?? en[key], vars) };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
