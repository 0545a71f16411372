from recnet.cli import main

raise SystemExit(main())
