"""The office's web workspace (工作台): round dashboard, findings with their evidence, review
queue, rectification. Server-rendered, zh-hans, no script or asset from outside the project.
Every view gets its data through ``accounts.scope.Scope``."""
