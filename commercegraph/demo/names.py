"""Name lists for generated customers (ASCII, so they make valid email local parts)."""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Aaliyah", "Aaron", "Abigail", "Adrian", "Aisha", "Alejandro", "Alex", "Amara", "Amir",
    "Ana", "Andre", "Anika", "Arjun", "Ava", "Ben", "Bianca", "Caleb", "Camila", "Carlos",
    "Chen", "Chloe", "Daniel", "Diego", "Elena", "Eli", "Emily", "Emma", "Ethan", "Fatima",
    "Felix", "Gabriel", "Grace", "Hana", "Hannah", "Hiro", "Ibrahim", "Isabel", "Isaac",
    "Jada", "James", "Jasmine", "Javier", "Jin", "Jonah", "Julia", "Kai", "Kavya", "Kenji",
    "Laila", "Leah", "Leo", "Liam", "Lucas", "Lucia", "Maya", "Mateo", "Mei", "Mia",
    "Mohammed", "Nadia", "Naomi", "Noah", "Nora", "Olivia", "Omar", "Priya", "Rafael",
    "Rhea", "Rosa", "Ryan", "Sara", "Sofia", "Tariq", "Theo", "Uma", "Victor", "Wei",
    "Yara", "Yusuf", "Zoe",
)
LAST_NAMES: tuple[str, ...] = (
    "Adams", "Ahmed", "Alvarez", "Anderson", "Bailey", "Baker", "Brooks", "Campbell",
    "Chen", "Clark", "Cohen", "Cruz", "Davis", "Diaz", "Edwards", "Evans", "Fischer",
    "Flores", "Garcia", "Gomez", "Gonzalez", "Green", "Gupta", "Hall", "Harris", "Hernandez",
    "Hill", "Hughes", "Ito", "Jackson", "Johnson", "Kaur", "Kim", "King", "Kowalski",
    "Lee", "Lewis", "Lopez", "Martin", "Martinez", "Mehta", "Miller", "Moore", "Morales",
    "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Ortiz", "Park", "Patel", "Perez",
    "Peterson", "Phillips", "Ramirez", "Reed", "Reyes", "Rivera", "Roberts", "Robinson",
    "Rossi", "Sanchez", "Santos", "Schmidt", "Scott", "Shah", "Silva", "Singh", "Smith",
    "Suzuki", "Tanaka", "Taylor", "Thomas", "Torres", "Tran", "Walker", "Wang", "Williams",
    "Wilson", "Wong", "Wright", "Yamamoto", "Young", "Zhang",
)
