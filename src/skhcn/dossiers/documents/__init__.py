"""What dossiers print and number: the receipt, the official forms, the register, the codes and form sets."""
