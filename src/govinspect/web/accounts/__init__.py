"""Who uses the workspace: the office (组织单位), inspectors (检查员) and the units that must
rectify (填报单位), and what each may see (``scope``)."""
