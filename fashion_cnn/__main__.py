from fashion_cnn.cli import main

raise SystemExit(main())
