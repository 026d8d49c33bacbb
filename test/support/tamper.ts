import Database from 'better-sqlite3';

/**
 * Edits a workspace database behind the app's back, the way an attacker with file access
 * would: a raw connection that first drops the append-only triggers, then puts them back
 * (so only the chain itself can reveal the change).
 */
export function tamper(dbPath: string, edit: (db: Database.Database) => void): void {
  const db = new Database(dbPath);
  try {
    const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; sql: string }[];
    db.transaction(() => {
      for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
      edit(db);
      for (const t of triggers) db.exec(t.sql);
    })();
  } finally {
    db.close();
  }
}
