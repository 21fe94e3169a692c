package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// lookupPlan creates a FerretDB-shaped database (its metadata table and one
// collection table with FerretDB's own _id index), and returns SQLite's plan
// for the filter FerretDB uses to find a document by _id.
func lookupPlan(t *testing.T, file string, index bool) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS _ferretdb_collections (name TEXT, table_name TEXT, settings TEXT)`,
		`INSERT INTO _ferretdb_collections VALUES ('incidents', 'incidents_deda257c', '{}')`,
		`CREATE TABLE incidents_deda257c (_ferretdb_sjson TEXT NOT NULL) STRICT`,
		`CREATE UNIQUE INDEX "incidents_deda257c__id_" ON incidents_deda257c (_ferretdb_sjson->"_id")`,
	} {
		if _, err = db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}

	db.Close()

	if index {
		if err = indexTables(context.Background(), file); err != nil {
			t.Fatal(err)
		}
	}

	// A new connection: EXPLAIN on one that cached the old schema would not see the index.
	db, err = sql.Open("sqlite", "file:"+file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var plan []string
	rows, err := db.Query(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM incidents_deda257c WHERE _ferretdb_sjson->'$._id' = ?`, `"inc-1"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err = rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

func TestFerretDBsOwnIndexLeavesLookupsByIDScanning(t *testing.T) {
	plan := lookupPlan(t, filepath.Join(t.TempDir(), "fireline.sqlite"), false)
	if !strings.HasPrefix(plan, "SCAN") {
		t.Fatalf("expected a full scan without the lookup index, got %q", plan)
	}
}

func TestIndexTablesMakesLookupsByIDUseAnIndex(t *testing.T) {
	plan := lookupPlan(t, filepath.Join(t.TempDir(), "fireline.sqlite"), true)
	if plan != "SEARCH incidents_deda257c USING INDEX incidents_deda257c__id_lookup (<expr>=?)" {
		t.Fatalf("unexpected plan %q", plan)
	}
}

func TestIndexTablesNeverCreatesADatabaseFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "dropped.sqlite")
	if err := indexTables(context.Background(), file); err == nil {
		t.Fatal("expected an error for a missing database file")
	}
	if matches, _ := filepath.Glob(file); len(matches) != 0 {
		t.Fatalf("indexTables created %s", file)
	}
}
