// Command ferretdb runs FerretDB as an embedded library with its SQLite
// backend: a MongoDB-wire-compatible server for development and tests when no
// MongoDB is configured. FerretDB's own cmd/ferretdb panics when built with
// `go install` (its version file is generated at release), so Fireline builds
// this instead.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses, for indexLookupsByID
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "data", "directory holding the SQLite database files")
	logLevel := flag.String("log-level", "error", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// FerretDB decodes every document it reads or writes into many short-lived
	// objects, while what it keeps live is small: at Go's default (GOGC=100) it
	// collects every few megabytes, and reading a long incident's timeline
	// (pages by key) spends much of its CPU in the collector. Letting the heap
	// grow to five times the live one collects a fifth as often. An explicit
	// GOGC wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}

	dir, err := filepath.Abs(*dataDir)
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: data directory %q: %v\n", *dataDir, err)
		os.Exit(1)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  "sqlite",
		// FerretDB turns on WAL; with WAL, synchronous=NORMAL is SQLite's advice:
		// no corruption, and a process crash loses nothing (the last commits can be
		// lost only if the machine itself fails). It nearly doubles write throughput
		// under load. The Temporal dev server started beside it runs synchronous=OFF.
		SQLiteURL: "file:" + dir + "/?_pragma=synchronous(normal)",
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	go indexLookupsByID(ctx, dir, logger)

	// The parent process waits for this line to know the server is ready.
	fmt.Printf("ferretdb listening on %s (data in %s)\n", *listen, dir)

	if err := <-done; err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}

// indexLookupsByID gives every collection table an index on the expression
// FerretDB v1.24's SQLite backend filters by when it finds, updates or deletes
// a document by _id (`_ferretdb_sjson->'$._id'`). FerretDB's own unique index
// is on `_ferretdb_sjson->"_id"`, which SQLite's planner does not match to
// that filter, so without this every lookup by _id scans the whole table and
// writes slow down as collections grow. Collections appear at runtime, so the
// tables are checked every second.
func indexLookupsByID(ctx context.Context, dir string, logger *slog.Logger) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()

	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			if err := indexTables(ctx, file); err != nil && ctx.Err() == nil {
				logger.Warn("indexing _id lookups", "file", file, "error", err)
			}
		}

		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

const lookupIndexSuffix = "__id_lookup"

func indexTables(ctx context.Context, file string) error {
	// mode=rw: never create a file, or a database dropped meanwhile would come back empty.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()

	// Read-only unless a table lacks the index: collections dropped and created
	// again get a new table, so nothing is remembered between checks.
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || '`+lookupIndexSuffix+`')`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var table string
		if err = rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, table)
	}
	rows.Close()
	if err = rows.Err(); err != nil {
		return err
	}

	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+lookupIndexSuffix, table)
		if _, err = db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
