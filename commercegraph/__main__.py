from commercegraph.cli import main

raise SystemExit(main())
