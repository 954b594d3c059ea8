from prompt2mesh.cli import main

raise SystemExit(main())
