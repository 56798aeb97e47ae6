"""返家乡 practice programmes (issue 18): a league organisation runs a programme through its own
lifecycle; host units offer posts, students apply with ranked choices, units and students
choose each other, and the practice is filed, attended, logged and evaluated. Built in parts:
so far the programmes and their lifecycle."""
