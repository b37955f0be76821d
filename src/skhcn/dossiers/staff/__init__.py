"""The staff screens: queues, the dossier page and its actions, printed forms and the register."""
