"""复核与人工检查: what only a person can judge (manual findings, simulated 咨询 questions,
new-media account checks) and the figures a round is compared with."""
