// The jobs dashboard: every job of the user, live, through the user room.

import { startLivePage, readJson } from "./live-page.js";

const { jobs, user_cursor: userCursor } = readJson("dashboard-config");
const { client } = startLivePage({ emptyNotice: document.getElementById("jobs-empty") });

// Oldest first: each new card goes to the top, so the newest ends up first.
for (const job of [...jobs].reverse()) client.track(job);
client.followUser({ after: userCursor });
client.start();
