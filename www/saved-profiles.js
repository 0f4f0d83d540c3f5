// Opt-in storage of the user's own profiles on this device (IndexedDB).
// Nothing is written unless the caller asks (the page does so only when the
// user ticks "remember my profiles on this device"); `forget()` deletes the
// whole database.

const DB = 'coopmatch';
const STORE = 'saved';
const KEY = 'profiles';

function open() {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('this browser has no IndexedDB'));
      return;
    }
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error || new Error('cannot open IndexedDB'));
  });
}

function run(mode, fn) {
  return open().then(
    (db) =>
      new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = fn(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(req ? req.result : undefined);
        };
        tx.onerror = () => {
          db.close();
          reject(tx.error || new Error('IndexedDB transaction failed'));
        };
        tx.onabort = tx.onerror;
      }),
  );
}

/** Saves { name, bytes (a .cmx index), count, savedAt }. */
export function saveProfiles(record) {
  return run('readwrite', (store) => store.put(record, KEY));
}

/** The saved record, or null. Never creates anything when nothing was saved before. */
export async function loadSaved() {
  if (typeof indexedDB === 'undefined') return null;
  if (indexedDB.databases) {
    const dbs = await indexedDB.databases().catch(() => null);
    if (dbs && !dbs.some((d) => d.name === DB)) return null;
  }
  return run('readonly', (store) => store.get(KEY)).then((r) => r || null).catch(() => null);
}

/** Deletes everything this page stored on the device. */
export function forget() {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      resolve();
      return;
    }
    const req = indexedDB.deleteDatabase(DB);
    req.onsuccess = () => resolve();
    req.onblocked = () => resolve();
    req.onerror = () => reject(req.error || new Error('cannot delete the saved profiles'));
  });
}
